import * as z from "zod/mini";

/**
 * The bodies the admin API answers with (SPEC §2), as /openapi.json describes them. The
 * views that build them are typed by these schemas (`z.output<…>`), and
 * test/node/openapi/ checks real answers against the document.
 */

const isoTime = z.string();
const ssoType = z.enum(["none", "saml", "oidc", "ldap"]);

/** RFC 9457 problem details, the admin API's one error body (SPEC §2). */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  /** Stable: `validation_failed`, `not_found`, `conflict`, … */
  code: z.string(),
  /** Validation errors: a JSON path into the request and what is wrong there. */
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});

/** A page of a list (SPEC §2 "Lists are paginated"). */
export function pageOf<T extends z.ZodMiniType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.nullable(z.string()) });
}

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  ssoAllowed: z.boolean(),
  jitProvisioning: z.boolean(),
  domains: z.array(z.string()),
  /** Each domain and whether an app-wide key verified it (only verified domains route logins). */
  domainStates: z.array(z.object({ domain: z.string(), verified: z.boolean() })),
  activeSso: ssoType,
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type OrganizationView = z.output<typeof organizationSchema>;

export const ssoSettingsSchema = z.object({
  activeSso: ssoType,
  /** `none` and the types of the org's active connections. */
  availableSso: z.array(ssoType),
});

export const memberSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  email: z.string(),
  firstName: z.nullable(z.string()),
  lastName: z.nullable(z.string()),
  connectionId: z.nullable(z.string()),
  idpSubject: z.nullable(z.string()),
  /** How the member arrived (SPEC §10): the admin API, JIT at a first login, or directory sync. */
  source: z.enum(["admin", "jit", "scim"]),
  /** A SCIM user's `externalId` (never used to match a login). */
  externalId: z.nullable(z.string()),
  /** False once deprovisioned through SCIM. */
  active: z.boolean(),
  /** When SCIM deleted the member (a tombstone that logins cannot use), else null. */
  deprovisionedAt: z.nullable(isoTime),
  /** The member's SCIM groups. */
  groups: z.array(z.string()),
  createdAt: isoTime,
  updatedAt: isoTime,
});

/** An audit event (SPEC §2 "Events"); `data` depends on the type. */
export const eventSchema = z.object({
  id: z.string(),
  type: z.string(),
  actor: z.string(),
  organizationId: z.nullable(z.string()),
  target: z.nullable(z.string()),
  data: z.record(z.string(), z.unknown()),
  createdAt: isoTime,
});

export const clientSchema = z.object({
  clientId: z.string(),
  name: z.string(),
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  allowedOrigins: z.array(z.string()),
  public: z.boolean(),
  backchannelLogoutUri: z.nullable(z.string()),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type ClientView = z.output<typeof clientSchema>;

/** Creation: the client and its secret, shown this once (null for a public client). */
export const clientWithSecretSchema = z.object({ ...clientSchema.shape, clientSecret: z.nullable(z.string()) });

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.string(),
  /** The key's first characters, to tell keys apart. */
  keyPrefix: z.string(),
  createdAt: isoTime,
  lastUsedAt: z.nullable(isoTime),
});

/** Creation: the key record and the key, shown this once. */
export const apiKeyWithKeySchema = z.object({ ...apiKeySchema.shape, key: z.string() });
