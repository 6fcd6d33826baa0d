import type { CertificateDrop } from "../../connections/metadata-refresh/plan-certificates";
import type { SyncTaskHandler } from "../scheduler/scheduler";
import type { OrgContext } from "./context";
import { refreshTarget, writeIdpSide } from "./apply-metadata-refresh";
import { certificateDrops, writeCertificateDrops } from "./metadata-refresh-state";
import type { SamlConnection } from "./types";

/**
 * Drops `leaving` from the connection's trusted IdP certificates (SPEC §9: the metadata no
 * longer lists them, and the new set verified a login or 24 h passed), with
 * `sso_configuration.updated` naming them.
 */
function dropCertificates(
  ctx: OrgContext,
  connection: SamlConnection,
  leaving: CertificateDrop[],
  remaining: CertificateDrop[],
  reason: "verified_login" | "grace_elapsed",
): void {
  const gone = new Set(leaving.map((d) => d.pem));
  const saml = connection.settings.saml;
  writeIdpSide(
    ctx,
    connection,
    { ...saml, idpCertificates: saml.idpCertificates.filter((pem) => !gone.has(pem)) },
    { source: "metadata_refresh", certificatesRemoved: leaving.map((d) => d.fingerprintSha256), reason },
  );
  writeCertificateDrops(ctx, connection.id, remaining);
}

/**
 * Called by a login's completion with the fingerprint of the certificate that verified it:
 * when that certificate is not one on its way out, the IdP signs with the new set, and the
 * certificates it dropped from its metadata go now. One indexed read when nothing is pending.
 */
export function settleCertificateDrops(ctx: OrgContext, connectionId: string, signingFingerprint: string): void {
  const drops = certificateDrops(ctx, connectionId);
  if (drops.length === 0 || drops.some((d) => d.fingerprintSha256 === signingFingerprint)) return;
  const connection = refreshTarget(ctx, connectionId);
  if (!connection) return writeCertificateDrops(ctx, connectionId, []);
  dropCertificates(ctx, connection, drops, [], "verified_login");
}

/**
 * The `idp-certificate-drop` task (key: the connection ID): drops the certificates whose
 * 24 h have passed without a login proving the new set; runs again at the next one.
 */
export const certificateDropTask: SyncTaskHandler<OrgContext> = {
  run(ctx, task) {
    const drops = certificateDrops(ctx, task.key);
    const now = ctx.now.getTime();
    const due = drops.filter((d) => d.dropAt <= now);
    const remaining = drops.filter((d) => d.dropAt > now);
    const connection = refreshTarget(ctx, task.key);
    if (!connection) return writeCertificateDrops(ctx, task.key, []);
    if (due.length > 0) dropCertificates(ctx, connection, due, remaining, "grace_elapsed");
    else writeCertificateDrops(ctx, task.key, remaining);
  },
};
