import type * as z from "zod/mini";
import { BUILT } from "../features";
import type {
  storedLdapSettings,
  storedOidcSettings,
  storedSamlSettings,
  storedSettingsByType,
} from "./stored-settings";

/** The stored, non-secret settings of a connection, by protocol (stored-settings.ts parses them). */
export type SamlSettings = z.infer<typeof storedSamlSettings>;
export type OidcSettings = z.infer<typeof storedOidcSettings>;
export type LdapSettings = z.infer<typeof storedLdapSettings>;

/** Which SAML attribute to read for each profile field; provider defaults apply otherwise. */
export type AttributeMapping = SamlSettings["attributeMapping"];

/** The settings of a connection of each type: the common fields plus its protocol's block. */
export type SamlConnectionSettings = z.infer<typeof storedSettingsByType.saml>;
export type OidcConnectionSettings = z.infer<typeof storedSettingsByType.oidc>;
export type LdapConnectionSettings = z.infer<typeof storedSettingsByType.ldap>;
export type ConnectionSettings = SamlConnectionSettings | OidcConnectionSettings | LdapConnectionSettings;

/** The fields every connection type shares (`allowAnyEmailDomain`, where IdP-initiated logins land). */
export type CommonSettings = Omit<SamlConnectionSettings, "saml">;

/** Names of the sealed secrets a connection may hold. */
export type SecretName =
  | "spSigningKey"
  | "spEncryptionKey"
  | "spPendingSigningKey"
  | "spPendingEncryptionKey"
  | "spPreviousSigningKey"
  | "spPreviousEncryptionKey"
  | "clientSecret"
  | "bindPassword";

/** The sealed SP private keys (SPEC §2: write-only); a change shows as its certificate's. */
export const SP_KEY_SECRETS: readonly SecretName[] = [
  "spSigningKey",
  "spEncryptionKey",
  "spPendingSigningKey",
  "spPendingEncryptionKey",
  "spPreviousSigningKey",
  "spPreviousEncryptionKey",
];

/** A connection's sealed secrets by name (crypto/seal.ts); only those it has. */
export type ConnectionSecrets = Partial<Record<SecretName, string>>;

export function defaultSamlSettings(spSigningCertificate: string, spEncryptionCertificate: string): SamlSettings {
  return {
    idpEntityId: null,
    idpSsoUrl: null,
    idpSsoBinding: "redirect",
    idpSloUrl: null,
    idpSloBinding: "redirect",
    idpSloResponseUrl: null,
    idpCertificates: [],
    idpMetadataXml: null,
    idpMetadataUrl: null,
    nameIdFormat: "unspecified",
    signAuthnRequests: false,
    signLogoutRequests: false,
    wantAssertionsSigned: true,
    wantResponseSigned: false,
    allowIdpInitiated: false,
    allowSha1: false,
    clockSkewSeconds: 60,
    forceAuthn: false,
    acsUrlOverride: null,
    attributeMapping: {},
    spSigningCertificate,
    spEncryptionCertificate,
    spPendingKeys: null,
    spPreviousKeys: null,
  };
}

export const DEFAULT_OIDC_SETTINGS: OidcSettings = {
  issuer: null,
  clientId: null,
  scopes: "openid email profile",
  tokenEndpointAuthMethod: "client_secret_basic",
  emailVerifiedRequired: true,
  prompt: null,
  passLoginHint: true,
  authorizationEndpoint: null,
  tokenEndpoint: null,
  userinfoEndpoint: null,
  jwksUri: null,
};

export const DEFAULT_LDAP_SETTINGS: LdapSettings = {
  serverUri: null,
  startTls: false,
  bindDn: null,
  baseDn: null,
  scope: 2,
  searchFilter: "(mail=%(user)s)",
  attributeMapping: {},
};

/**
 * The SP URLs of a connection (SPEC §8). `sloUrl` is null while single logout is not built
 * (SPEC §9: it is non-null only while logout works).
 */
export function spUrls(publicUrl: string, connectionId: string) {
  const base = spEntityId(publicUrl, connectionId);
  const sloUrl = BUILT.logout ? sloEndpoint(publicUrl, connectionId) : null;
  return { entityId: base, acsUrl: `${base}/acs`, sloUrl, metadataUrl: `${base}/metadata` };
}

/** The SP entity ID of a connection (SPEC §8). */
function spEntityId(publicUrl: string, connectionId: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/saml/${connectionId}`;
}

/**
 * Where `/saml/{connId}/slo` is served, whether or not it is advertised yet: the
 * Destination a LogoutRequest or LogoutResponse sent to us must carry.
 */
export function sloEndpoint(publicUrl: string, connectionId: string): string {
  return `${spEntityId(publicUrl, connectionId)}/slo`;
}
