/**
 * The certificates of a connection (SPEC §9 "Certificates and metadata"): every IdP signing
 * certificate and every SP signing and encryption certificate — the pair in use, a pair
 * published by `sp-keys/rotate` and not yet activated, and the pair an activation replaced
 * (still trusted for decryption until `DELETE …/sp-keys/previous`); an IdP certificate its
 * metadata stopped listing shows as `unlisted` until its drop. The connection view
 * lists them, and the expiry notices (store/org/certificate-expiry-task.ts) track them.
 * Loads @peculiar/x509 (through certificateInfo): import this module on first use.
 */
import { certificateInfo, type CertificateInfo } from "../saml/metadata/normalize-certificate";
import type { ConnectionRecord } from "../store/org/types";

/** What a certificate is for (the `role` of SPEC §9's event and view). */
export type CertificateRole = "idp_signing" | "sp_signing" | "sp_encryption";

/**
 * Where a certificate stands: `active` (in use), `pending` (an SP pair published by
 * `sp-keys/rotate`, not yet activated), `previous` (the SP pair an activation replaced;
 * its encryption key still decrypts), `unlisted` (an IdP certificate the refreshed metadata no
 * longer lists: still trusted until it is dropped, SPEC §9), `expired` (past its notAfter,
 * whatever else holds).
 */
export type CertificateStatus = "active" | "pending" | "previous" | "unlisted" | "expired";

/** One certificate of a connection, as the view shows it. */
export interface ConnectionCertificate {
  role: CertificateRole;
  fingerprintSha256: string;
  notBefore: string;
  notAfter: string;
  status: CertificateStatus;
}

/** A certificate of a connection before its dates are read: its PEM, role and slot. */
interface CertificateSlot {
  pem: string;
  role: CertificateRole;
  status: Exclude<CertificateStatus, "expired">;
}

function slots(connection: ConnectionRecord): CertificateSlot[] {
  if (connection.type !== "saml") return [];
  const saml = connection.settings.saml;
  const pair = (status: CertificateSlot["status"], keys: { signing: string; encryption: string } | null) =>
    keys
      ? [
          { pem: keys.signing, role: "sp_signing" as const, status },
          { pem: keys.encryption, role: "sp_encryption" as const, status },
        ]
      : [];
  const pending = saml.spPendingKeys;
  const previous = saml.spPreviousKeys;
  const unlisted = new Set(connection.lifecycle?.certificateDrops.map((drop) => drop.pem) ?? []);
  return [
    ...saml.idpCertificates.map((pem) => ({
      pem,
      role: "idp_signing" as const,
      status: unlisted.has(pem) ? ("unlisted" as const) : ("active" as const),
    })),
    ...pair("active", { signing: saml.spSigningCertificate, encryption: saml.spEncryptionCertificate }),
    ...pair("pending", pending && { signing: pending.signingCertificate, encryption: pending.encryptionCertificate }),
    ...pair(
      "previous",
      previous && { signing: previous.signingCertificate, encryption: previous.encryptionCertificate },
    ),
  ];
}

/** Parsed certificates by PEM, per isolate: a list of connections reads each certificate once. */
const infoCache = new Map<string, Promise<CertificateInfo | null>>();
const INFO_CACHE_MAX = 1_000;

function cachedInfo(pem: string): Promise<CertificateInfo | null> {
  let info = infoCache.get(pem);
  if (!info) {
    // A stored certificate that no longer parses (written before validation) is left out, not an error.
    info = certificateInfo(pem).catch(() => null);
    if (infoCache.size >= INFO_CACHE_MAX) infoCache.delete(infoCache.keys().next().value!);
    infoCache.set(pem, info);
  }
  return info;
}

/** The connection's certificates, IdP signing first, then the SP pairs (active, pending, previous). */
export async function connectionCertificates(
  connection: ConnectionRecord,
  now: Date,
): Promise<ConnectionCertificate[]> {
  const listed = await Promise.all(
    slots(connection).map(async (slot): Promise<ConnectionCertificate | null> => {
      const info = await cachedInfo(slot.pem);
      if (!info) return null;
      return {
        role: slot.role,
        fingerprintSha256: info.fingerprintSha256,
        notBefore: info.notBefore.toISOString(),
        notAfter: info.notAfter.toISOString(),
        status: info.notAfter.getTime() <= now.getTime() ? "expired" : slot.status,
      };
    }),
  );
  return listed.filter((c): c is ConnectionCertificate => c !== null);
}
