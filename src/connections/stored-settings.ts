import * as z from "zod/mini";
import { NAME_ID_FORMATS } from "../admin/connections/schemas";

/**
 * The shape of a connection's non-secret settings as the org's object stores them
 * (docs/storage.md, `connections.settings`), and the one parser that reads them back:
 * the store's row mapping runs it, so every `ConnectionRecord` carries typed settings of
 * its own `type`. A field a row lacks (written before the field existed) gets its default;
 * a field of the wrong type is a corrupt row and throws.
 */
const nullableText = z._default(z.nullable(z.string()), null);

const attributeMapping = z.object({
  email: z.optional(z.string()),
  firstName: z.optional(z.string()),
  lastName: z.optional(z.string()),
  groups: z.optional(z.string()),
  roles: z.optional(z.string()),
});

/** An SP key pair's public halves, as published in SP metadata (the private keys are sealed in `secrets`). */
const spKeyCertificates = z.object({ signingCertificate: z.string(), encryptionCertificate: z.string() });

export const storedSamlSettings = z.object({
  idpEntityId: nullableText,
  idpSsoUrl: nullableText,
  idpSsoBinding: z._default(z.enum(["redirect", "post"]), "redirect"),
  idpSloUrl: nullableText,
  idpSloBinding: z._default(z.enum(["redirect", "post"]), "redirect"),
  idpSloResponseUrl: nullableText,
  idpCertificates: z._default(z.array(z.string()), () => []),
  idpMetadataXml: nullableText,
  idpMetadataUrl: nullableText,
  nameIdFormat: z._default(z.enum(NAME_ID_FORMATS), "unspecified"),
  signAuthnRequests: z._default(z.boolean(), false),
  signLogoutRequests: z._default(z.boolean(), false),
  wantAssertionsSigned: z._default(z.boolean(), true),
  wantResponseSigned: z._default(z.boolean(), false),
  allowIdpInitiated: z._default(z.boolean(), false),
  allowSha1: z._default(z.boolean(), false),
  clockSkewSeconds: z._default(z.number(), 60),
  forceAuthn: z._default(z.boolean(), false),
  acsUrlOverride: nullableText,
  attributeMapping: z._default(attributeMapping, () => ({})),
  /** Public halves of the SP key pairs; the private keys are sealed in `secrets`. */
  spSigningCertificate: z.string(),
  spEncryptionCertificate: z.string(),
  /**
   * SP key rollover (SPEC §9): the pair `sp-keys/rotate` published beside the active one
   * (sealed keys `spPendingSigningKey`/`spPendingEncryptionKey`), and the pair an activation
   * replaced, still trusted for decryption (`spPreviousSigningKey`/`spPreviousEncryptionKey`).
   */
  spPendingKeys: z._default(z.nullable(spKeyCertificates), null),
  spPreviousKeys: z._default(z.nullable(spKeyCertificates), null),
});

export const storedOidcSettings = z.object({
  issuer: nullableText,
  clientId: nullableText,
  scopes: z._default(z.string(), "openid email profile"),
  tokenEndpointAuthMethod: z._default(z.enum(["client_secret_basic", "client_secret_post"]), "client_secret_basic"),
  emailVerifiedRequired: z._default(z.boolean(), true),
  prompt: z._default(z.nullable(z.enum(["none", "login", "consent", "select_account"])), null),
  passLoginHint: z._default(z.boolean(), true),
  authorizationEndpoint: nullableText,
  tokenEndpoint: nullableText,
  userinfoEndpoint: nullableText,
  jwksUri: nullableText,
});

export const storedLdapSettings = z.object({
  serverUri: nullableText,
  startTls: z._default(z.boolean(), false),
  bindDn: nullableText,
  baseDn: nullableText,
  scope: z._default(z.union([z.literal(0), z.literal(1), z.literal(2)]), 2),
  searchFilter: z._default(z.string(), "(mail=%(user)s)"),
  /** Which directory attribute to read for each profile field; defaults mail, givenName, sn, memberOf. */
  attributeMapping: z._default(
    z.object({
      email: z.optional(z.string()),
      firstName: z.optional(z.string()),
      lastName: z.optional(z.string()),
      groups: z.optional(z.string()),
    }),
    () => ({}),
  ),
});

/** The settings every connection type has (SPEC §2 "Connection fields", common). */
const common = {
  allowAnyEmailDomain: z._default(z.boolean(), false),
  idpInitiatedClientId: nullableText,
  idpInitiatedRedirectUri: nullableText,
};

export const storedSettingsByType = {
  saml: z.object({ ...common, saml: storedSamlSettings }),
  oidc: z.object({ ...common, oidc: storedOidcSettings }),
  ldap: z.object({ ...common, ldap: storedLdapSettings }),
};
