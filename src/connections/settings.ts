import type { ConnectionRecord } from "../store/org/types";

/** The stored, non-secret settings of a connection (ConnectionRecord.settings). */
export interface AttributeMapping {
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  groups?: string | undefined;
  roles?: string | undefined;
}

export interface SamlSettings {
  idpEntityId: string | null;
  idpSsoUrl: string | null;
  idpSsoBinding: "redirect" | "post";
  idpSloUrl: string | null;
  idpCertificates: string[];
  idpMetadataXml: string | null;
  idpMetadataUrl: string | null;
  nameIdFormat: "unspecified" | "emailAddress" | "persistent" | "transient" | "encrypted";
  signAuthnRequests: boolean;
  signLogoutRequests: boolean;
  wantAssertionsSigned: boolean;
  wantResponseSigned: boolean;
  allowIdpInitiated: boolean;
  allowSha1: boolean;
  clockSkewSeconds: number;
  forceAuthn: boolean;
  acsUrlOverride: string | null;
  attributeMapping: AttributeMapping;
  /** Public halves of the SP key pairs; the private keys are sealed in `secrets`. */
  spSigningCertificate: string;
  spEncryptionCertificate: string;
}

export interface OidcSettings {
  issuer: string | null;
  clientId: string | null;
  scopes: string;
  tokenEndpointAuthMethod: "client_secret_basic" | "client_secret_post";
  emailVerifiedRequired: boolean;
  prompt: "none" | "login" | "consent" | "select_account" | null;
  passLoginHint: boolean;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  userinfoEndpoint: string | null;
  jwksUri: string | null;
}

export interface LdapSettings {
  serverUri: string | null;
  startTls: boolean;
  bindDn: string | null;
  baseDn: string | null;
  scope: 0 | 1 | 2;
  searchFilter: string;
}

export interface ConnectionSettings {
  allowAnyEmailDomain: boolean;
  idpInitiatedClientId: string | null;
  idpInitiatedRedirectUri: string | null;
  saml?: SamlSettings;
  oidc?: OidcSettings;
  ldap?: LdapSettings;
}

/** Names of the sealed secrets a connection may hold. */
export type SecretName = "spSigningKey" | "spEncryptionKey" | "clientSecret" | "bindPassword";

export function settingsOf(connection: ConnectionRecord): ConnectionSettings {
  return connection.settings as unknown as ConnectionSettings;
}

export function defaultSamlSettings(spSigningCertificate: string, spEncryptionCertificate: string): SamlSettings {
  return {
    idpEntityId: null,
    idpSsoUrl: null,
    idpSsoBinding: "redirect",
    idpSloUrl: null,
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
};

/** The SP URLs of a connection (SPEC §8). */
export function spUrls(publicUrl: string, connectionId: string) {
  const base = `${publicUrl.replace(/\/+$/, "")}/saml/${connectionId}`;
  return { entityId: base, acsUrl: `${base}/acs`, sloUrl: `${base}/slo`, metadataUrl: `${base}/metadata` };
}
