import * as z from "zod/mini";
import { storedLdapSettings, storedOidcSettings, storedSamlSettings } from "./stored-settings";

/**
 * A connection as the API answers it (SPEC §2), built from the schemas that parse its stored
 * settings, so the document cannot drift from what is stored. Secrets never appear: only
 * `clientSecretSet` / `bindPasswordSet`.
 */
const {
  spSigningCertificate: _signing,
  spEncryptionCertificate: _encryption,
  spPendingKeys: _pending,
  spPreviousKeys: _previous,
  ...samlView
} = storedSamlSettings.shape;

/** SPEC §9: each IdP and SP certificate of the connection, with its dates and where it stands. */
export const connectionCertificateSchema = z.object({
  role: z.enum(["idp_signing", "sp_signing", "sp_encryption"]),
  /** SHA-256 of the DER, lower-case hex without separators. */
  fingerprintSha256: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  /**
   * `active` in use; `pending` published by `sp-keys/rotate`, not yet activated; `previous`
   * replaced by `sp-keys/activate`, still decrypting until `DELETE …/sp-keys/previous`;
   * `expired` past notAfter.
   */
  status: z.enum(["active", "pending", "previous", "unlisted", "expired"]),
});

/**
 * SPEC §9: the refresh of a SAML connection's `idpMetadataUrl` (null without one), and the
 * configured certificates its metadata no longer lists, trusted until `dropAt` or until a
 * login verified by a listed certificate.
 */
const metadataRefreshSchema = z.nullable(
  z.object({
    url: z.string(),
    lastAttemptAt: z.nullable(z.string()),
    lastSuccessAt: z.nullable(z.string()),
    lastError: z.nullable(z.string()),
    failures: z.number(),
    nextAt: z.nullable(z.string()),
    validUntil: z.nullable(z.string()),
    warning: z.nullable(z.string()),
    unlistedCertificates: z.array(
      z.object({ fingerprintSha256: z.string(), unlistedAt: z.string(), dropAt: z.string() }),
    ),
  }),
);

export type MetadataRefreshView = z.output<typeof metadataRefreshSchema>;

export const connectionSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  type: z.enum(["saml", "oidc", "ldap"]),
  name: z.string(),
  provider: z.string(),
  state: z.enum(["draft", "active", "inactive"]),
  domains: z.array(z.string()),
  allowAnyEmailDomain: z.boolean(),
  idpInitiatedClientId: z.nullable(z.string()),
  idpInitiatedRedirectUri: z.nullable(z.string()),
  sp: z.object({
    entityId: z.string(),
    acsUrl: z.string(),
    /** Null while single logout is not built (src/features.ts). */
    sloUrl: z.nullable(z.string()),
    metadataUrl: z.string(),
    /** SAML connections: the SP certificates (PEM), for the IdP's configuration. */
    signingCertificate: z.optional(z.string()),
    encryptionCertificate: z.optional(z.string()),
    /** A pair published by `sp-keys/rotate` and not yet activated (SPEC §9), else absent. */
    pendingSigningCertificate: z.optional(z.string()),
    pendingEncryptionCertificate: z.optional(z.string()),
  }),
  saml: z.nullable(z.object({ ...samlView, metadataRefresh: metadataRefreshSchema })),
  oidc: z.nullable(z.object({ ...storedOidcSettings.shape, clientSecretSet: z.boolean() })),
  ldap: z.nullable(z.object({ ...storedLdapSettings.shape, bindPasswordSet: z.boolean() })),
  certificates: z.array(connectionCertificateSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ConnectionView = z.output<typeof connectionSchema>;

/** `GET …/sp-metadata`: what the customer's IT admin enters in their IdP. */
export const spMetadataSchema = z.object({
  entityId: z.string(),
  acsUrl: z.string(),
  sloUrl: z.nullable(z.string()),
  metadataUrl: z.string(),
  /** The NameID format URN the SP asks for; null for a connection that is not SAML. */
  nameIdFormat: z.nullable(z.string()),
  signingCertificate: z.nullable(z.string()),
  encryptionCertificate: z.nullable(z.string()),
  authnRequestsSigned: z.boolean(),
  wantAssertionsSigned: z.boolean(),
});
export type SpMetadataView = z.output<typeof spMetadataSchema>;

/** `POST …/sp-keys/rotate` → 201: the new pair's certificates (PEM); their private keys are write-only. */
export const spKeyRotationSchema = z.object({
  signing: z.string(),
  encryption: z.string(),
});
