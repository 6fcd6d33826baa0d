import * as z from "zod/mini";
import { NAME_ID_FORMATS as NAME_ID_FORMAT_URIS } from "../../saml/build-authn-request";
import { domainsField, httpsOrLoopbackUrl, outboundUrlField } from "../schemas";

/** Request schemas of the connection routes (SPEC §2 "Connection fields"). */
export const PROVIDERS = [
  "Google",
  "Rippling",
  "OneLogin",
  "JumpCloud",
  "Okta",
  "Azure",
  "Duo",
  "ADFS",
  "Keycloak",
  "Generic",
] as const;
export const NAME_ID_FORMATS = ["unspecified", "emailAddress", "persistent", "transient", "encrypted"] as const;
type NameIdFormatName = (typeof NAME_ID_FORMATS)[number];

/** Each short name's full URN (SAML core §8.3): seed 003 sends `name_id_format` that way (SPEC §7). */
const NAME_ID_FORMAT_BY_URN = new Map<string, NameIdFormatName>(
  NAME_ID_FORMATS.map((name) => [NAME_ID_FORMAT_URIS[name], name]),
);

/** `nameIdFormat`: a short name, or its full URN, answered as the short name. */
const nameIdFormatField = z.pipe(
  z.enum([...NAME_ID_FORMATS, ...NAME_ID_FORMAT_BY_URN.keys()]),
  z.transform((value: string): NameIdFormatName => NAME_ID_FORMAT_BY_URN.get(value) ?? (value as NameIdFormatName)),
);

const text = (max = 2048) => z.string().check(z.minLength(1), z.maxLength(max));
const certificate = z.string().check(z.minLength(1), z.maxLength(20_000));

const keyPair = z.strictObject({ privateKey: text(20_000), certificate });

export const samlFields = z.strictObject({
  idpEntityId: z.optional(text()),
  idpSsoUrl: z.optional(outboundUrlField),
  idpSsoBinding: z.optional(z.enum(["redirect", "post"])),
  idpSloUrl: z.optional(outboundUrlField),
  idpSloBinding: z.optional(z.enum(["redirect", "post"])),
  /** Where LogoutResponses go when not to idpSloUrl (metadata ResponseLocation); null: to idpSloUrl. */
  idpSloResponseUrl: z.optional(z.nullable(outboundUrlField)),
  idpCertificates: z.optional(z.array(certificate).check(z.maxLength(10))),
  idpMetadataXml: z.optional(z.string().check(z.minLength(1), z.maxLength(200_000))),
  idpMetadataUrl: z.optional(outboundUrlField),
  nameIdFormat: z.optional(nameIdFormatField),
  signAuthnRequests: z.optional(z.boolean()),
  signLogoutRequests: z.optional(z.boolean()),
  wantAssertionsSigned: z.optional(z.boolean()),
  wantResponseSigned: z.optional(z.boolean()),
  allowIdpInitiated: z.optional(z.boolean()),
  allowSha1: z.optional(z.boolean()),
  clockSkewSeconds: z.optional(z.int().check(z.minimum(0), z.maximum(180))),
  forceAuthn: z.optional(z.boolean()),
  acsUrlOverride: z.optional(z.nullable(httpsOrLoopbackUrl)),
  attributeMapping: z.optional(
    z.strictObject({
      email: z.optional(text(512)),
      firstName: z.optional(text(512)),
      lastName: z.optional(text(512)),
      groups: z.optional(text(512)),
      roles: z.optional(text(512)),
    }),
  ),
  spSigningKeyPair: z.optional(keyPair),
  spEncryptionKeyPair: z.optional(keyPair),
});

export const oidcFields = z.strictObject({
  issuer: z.optional(outboundUrlField),
  clientId: z.optional(text(512)),
  clientSecret: z.optional(text(4096)),
  scopes: z.optional(z.union([z.string().check(z.maxLength(1000)), z.array(text(200)).check(z.maxLength(50))])),
  tokenEndpointAuthMethod: z.optional(z.enum(["client_secret_basic", "client_secret_post"])),
  emailVerifiedRequired: z.optional(z.boolean()),
  prompt: z.optional(z.nullable(z.enum(["none", "login", "consent", "select_account"]))),
  passLoginHint: z.optional(z.boolean()),
  authorizationEndpoint: z.optional(outboundUrlField),
  tokenEndpoint: z.optional(outboundUrlField),
  userinfoEndpoint: z.optional(outboundUrlField),
  jwksUri: z.optional(outboundUrlField),
});

/** `ldap://host[:port]` or `ldaps://host[:port]` (SPEC §2 `ldap.serverUri`). */
export const ldapServerUri = z
  .string()
  .check(z.maxLength(300), z.regex(/^ldaps?:\/\/[^\s/?#@]+\/?$/i, "must be ldap://host[:port] or ldaps://host[:port]"));
/** A search filter holding `%(user)s`, replaced by the RFC 4515-escaped username (seed 003). */
export const ldapSearchFilter = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(1024),
    z.includes("%(user)s", "must contain %(user)s"),
    z.regex(/^\(.*\)$/s, "must be a parenthesized LDAP filter (RFC 4515), e.g. (mail=%(user)s)"),
  );
/** An attribute description (RFC 4512 §2.5): a name or an OID, with options. */
const ldapAttributeName = z
  .string()
  .check(
    z.regex(/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)(;[A-Za-z0-9-]+)*$/, "must be an LDAP attribute name"),
    z.maxLength(128),
  );
export const ldapScope = z.union([z.literal(0), z.literal(1), z.literal(2)]);

export const ldapFields = z.strictObject({
  serverUri: z.optional(ldapServerUri),
  startTls: z.optional(z.boolean()),
  bindDn: z.optional(z.string().check(z.maxLength(1024))),
  bindPassword: z.optional(z.string().check(z.maxLength(1024))),
  baseDn: z.optional(text(1024)),
  scope: z.optional(ldapScope),
  searchFilter: z.optional(ldapSearchFilter),
  attributeMapping: z.optional(
    z.strictObject({
      email: z.optional(ldapAttributeName),
      firstName: z.optional(ldapAttributeName),
      lastName: z.optional(ldapAttributeName),
      groups: z.optional(ldapAttributeName),
    }),
  ),
});

const commonFields = {
  name: z.optional(text(200)),
  provider: z.optional(z.enum(PROVIDERS)),
  domains: z.optional(domainsField),
  allowAnyEmailDomain: z.optional(z.boolean()),
  idpInitiatedClientId: z.optional(z.nullable(text(200))),
  // Where a browser lands: never javascript:, data: or plain http to another host.
  idpInitiatedRedirectUri: z.optional(z.nullable(httpsOrLoopbackUrl)),
};

export const createConnectionBody = z.strictObject({
  type: z.enum(["saml", "oidc", "ldap"]),
  ...commonFields,
  saml: z.optional(samlFields),
  oidc: z.optional(oidcFields),
  ldap: z.optional(ldapFields),
});

export const updateConnectionBody = z.strictObject({
  ...commonFields,
  saml: z.optional(samlFields),
  oidc: z.optional(oidcFields),
  ldap: z.optional(ldapFields),
});

export const idpMetadataBody = z.union([
  z.strictObject({ metadataXml: z.string().check(z.minLength(1), z.maxLength(200_000)) }),
  z.strictObject({ metadataUrl: outboundUrlField }),
  z.strictObject({
    idpEntityId: text(),
    idpSsoUrl: outboundUrlField,
    idpCertificate: certificate,
    provider: z.optional(z.enum(PROVIDERS)),
  }),
  // Seed 000's "create SSO configuration" (SPEC §7, §8): the SSO URL and a certificate, no
  // entity ID. It saves a draft; activation then names saml.idpEntityId as missing.
  z.strictObject({ identity_provider_url: outboundUrlField, certificate }),
]);

export const listConnectionsQuery = z.object({
  limit: z.optional(z.string().check(z.regex(/^(100|[1-9][0-9]?)$/, "must be an integer from 1 to 100"))),
  after: z.optional(z.string().check(z.maxLength(100))),
  type: z.optional(z.enum(["saml", "oidc", "ldap"])),
  state: z.optional(z.enum(["draft", "active", "inactive"])),
});

export type CreateConnectionBody = z.infer<typeof createConnectionBody>;
export type UpdateConnectionBody = z.infer<typeof updateConnectionBody>;
export type SamlFields = z.infer<typeof samlFields>;
export type OidcFields = z.infer<typeof oidcFields>;
export type LdapFields = z.infer<typeof ldapFields>;
