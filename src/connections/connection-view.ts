import type { ConnectionRecord, SamlLifecycle } from "../store/org/types";
import type { ConnectionView, MetadataRefreshView } from "./connection-schema";
import { spUrls } from "./settings";

/**
 * A connection as the API shows it: every setting, never a secret. Secrets show only as
 * `…Set: true|false` so an admin can tell one is configured. `certificates` lists each
 * certificate's role, fingerprint, dates and status at `now` (SPEC §9).
 */
export async function connectionView(
  connection: ConnectionRecord,
  publicUrl: string,
  now: Date = new Date(),
): Promise<ConnectionView> {
  const settings = connection.settings;
  const saml = connection.type === "saml" ? connection.settings.saml : null;
  const urls = spUrls(publicUrl, connection.id);
  const sp = {
    ...urls,
    acsUrl: saml?.acsUrlOverride ?? urls.acsUrl,
    ...(saml
      ? { signingCertificate: saml.spSigningCertificate, encryptionCertificate: saml.spEncryptionCertificate }
      : {}),
    ...(saml?.spPendingKeys
      ? {
          pendingSigningCertificate: saml.spPendingKeys.signingCertificate,
          pendingEncryptionCertificate: saml.spPendingKeys.encryptionCertificate,
        }
      : {}),
  };
  // Certificates are parsed with @peculiar/x509: loaded on first use (bench/README.md, module evaluation).
  const { connectionCertificates } = await import("./certificate-list");
  return {
    id: connection.id,
    organizationId: connection.organizationId,
    type: connection.type,
    name: connection.name,
    provider: connection.provider,
    state: connection.state,
    domains: connection.domains,
    allowAnyEmailDomain: settings.allowAnyEmailDomain,
    idpInitiatedClientId: settings.idpInitiatedClientId,
    idpInitiatedRedirectUri: settings.idpInitiatedRedirectUri,
    sp,
    saml: saml
      ? {
          ...omit(saml, ["spSigningCertificate", "spEncryptionCertificate", "spPendingKeys", "spPreviousKeys"]),
          metadataRefresh: connection.type === "saml" ? metadataRefreshView(connection.lifecycle) : null,
        }
      : null,
    oidc:
      connection.type === "oidc"
        ? { ...connection.settings.oidc, clientSecretSet: "clientSecret" in connection.secrets }
        : null,
    ldap:
      connection.type === "ldap"
        ? { ...connection.settings.ldap, bindPasswordSet: "bindPassword" in connection.secrets }
        : null,
    certificates: await connectionCertificates(connection, now),
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
  };
}

/** `saml.metadataRefresh` (SPEC §9): null for a connection without a metadata URL. */
function metadataRefreshView(lifecycle: SamlLifecycle | undefined): MetadataRefreshView {
  const refresh = lifecycle?.metadataRefresh;
  if (!refresh) return null;
  return {
    ...refresh,
    unlistedCertificates: (lifecycle?.certificateDrops ?? []).map((d) => ({
      fingerprintSha256: d.fingerprintSha256,
      unlistedAt: d.unlistedAt,
      dropAt: new Date(d.dropAt).toISOString(),
    })),
  };
}

function omit<T extends object, K extends keyof T>(value: T, keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}
