import * as z from "zod/mini";

/**
 * What edge-sso's OpenID provider answers (SPEC §4), as /openapi.json describes it. The
 * builders of these bodies are typed by them (`z.output<…>`).
 */

/** RFC 6749 §5.2 and RFC 6750 §3 error body (`Cache-Control: no-store`). */
export const oauthErrorSchema = z.object({ error: z.string(), error_description: z.optional(z.string()) });

/** The normalized profile of the token response (SPEC §4 `profile`). */
export const profileSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  connectionId: z.string(),
  connectionType: z.enum(["saml", "oidc", "ldap"]),
  /** The IdP's subject: NameID, OIDC `sub`, or the LDAP entry's identity. */
  idpId: z.string(),
  email: z.string(),
  firstName: z.nullable(z.string()),
  lastName: z.nullable(z.string()),
  groups: z.array(z.string()),
  roles: z.array(z.string()),
  /** Every attribute the IdP sent, by name, as lists of values. */
  rawAttributes: z.record(z.string(), z.array(z.string())),
});
export type ProfileView = z.output<typeof profileSchema>;

export const tokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number(),
  scope: z.string(),
  id_token: z.string(),
  profile: profileSchema,
});
export type TokenResponse = z.output<typeof tokenResponseSchema>;

/** The user claims of /oauth/userinfo and the ID token (OIDC Core §5.1); a claim with no value is left out. */
export const userinfoSchema = z.object({
  sub: z.string(),
  email: z.string(),
  email_verified: z.boolean(),
  given_name: z.optional(z.string()),
  family_name: z.optional(z.string()),
  name: z.optional(z.string()),
  org_id: z.string(),
  groups: z.array(z.string()),
  roles: z.array(z.string()),
});

/** OpenID Provider metadata (OIDC Discovery §3); the logout fields appear only once logout is built. */
export const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.string(),
  token_endpoint: z.string(),
  userinfo_endpoint: z.string(),
  jwks_uri: z.string(),
  end_session_endpoint: z.optional(z.string()),
  backchannel_logout_supported: z.optional(z.boolean()),
  response_types_supported: z.array(z.string()),
  response_modes_supported: z.array(z.string()),
  grant_types_supported: z.array(z.string()),
  subject_types_supported: z.array(z.string()),
  id_token_signing_alg_values_supported: z.array(z.string()),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  code_challenge_methods_supported: z.array(z.string()),
  scopes_supported: z.array(z.string()),
  claims_supported: z.array(z.string()),
  claims_parameter_supported: z.boolean(),
  request_parameter_supported: z.boolean(),
  request_uri_parameter_supported: z.boolean(),
});
export type DiscoveryDocument = z.output<typeof discoverySchema>;

/** A public ES256 key as JWKS publishes it (RFC 7517, RFC 7518 §6.2). */
const publicJwkSchema = z.object({
  kty: z.literal("EC"),
  crv: z.literal("P-256"),
  x: z.string(),
  y: z.string(),
  kid: z.string(),
  alg: z.literal("ES256"),
  use: z.literal("sig"),
});

export const jwksSchema = z.object({ keys: z.array(publicJwkSchema) });

/** `POST /api/v1/signing-keys/rotate`: the new key, published at once, signing from `signsFrom`. */
export const signingKeySchema = z.object({
  kid: z.string(),
  alg: z.literal("ES256"),
  createdAt: z.string(),
  signsFrom: z.string(),
  publicJwk: publicJwkSchema,
});
