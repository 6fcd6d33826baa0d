import type { ConnectionRecord } from "../store/org/types";
import { settingsOf, spUrls } from "./settings";

/**
 * A connection as the API shows it: every setting, never a secret. Secrets show only as
 * `…Set: true|false` so an admin can tell one is configured.
 */
export function connectionView(connection: ConnectionRecord, publicUrl: string) {
  const settings = settingsOf(connection);
  const urls = spUrls(publicUrl, connection.id);
  const sp = {
    ...urls,
    acsUrl: settings.saml?.acsUrlOverride ?? urls.acsUrl,
    ...(settings.saml
      ? {
          signingCertificate: settings.saml.spSigningCertificate,
          encryptionCertificate: settings.saml.spEncryptionCertificate,
        }
      : {}),
  };
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
    saml: settings.saml ? omit(settings.saml, ["spSigningCertificate", "spEncryptionCertificate"]) : null,
    oidc: settings.oidc ? { ...settings.oidc, clientSecretSet: "clientSecret" in connection.secrets } : null,
    ldap: settings.ldap ? { ...settings.ldap, bindPasswordSet: "bindPassword" in connection.secrets } : null,
    createdAt: connection.createdAt,
    updatedAt: connection.updatedAt,
  };
}

function omit<T extends object, K extends keyof T>(value: T, keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}
