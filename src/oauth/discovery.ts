import { BUILT } from "../features";
import { ANY_ORIGIN, preflightRoute } from "../http/cors";
import { json } from "../http/problem";
import { route } from "../http/route";
import { issuerOf } from "./issuer";
import type { DiscoveryDocument } from "./response-schemas";
import { JWKS_MAX_AGE_S } from "./lifetimes";
import { publishedJwks } from "./signing-keys";

/**
 * Public, cacheable briefly: RPs re-fetch JWKS on an unknown `kid`, and a rotated-in key signs
 * only once this max-age has passed (lifetimes.ts ROTATION_LEAD_MS). JWKS comes from the
 * isolate's copy of the key set (signing-keys.ts); the discovery document from PUBLIC_URL alone.
 * Readable from any origin, so a single-page app can discover and verify (SPEC §2).
 */
const CACHE_BRIEFLY = { "cache-control": `public, max-age=${JWKS_MAX_AGE_S}`, ...ANY_ORIGIN };

/** The claims the ID token and userinfo can carry (SPEC §4). */
export const CLAIMS_SUPPORTED = [
  "iss",
  "aud",
  "sub",
  "exp",
  "iat",
  "nonce",
  "email",
  "email_verified",
  "given_name",
  "family_name",
  "name",
  "org_id",
  "groups",
  "roles",
];

/**
 * The OpenID Provider metadata (OIDC Discovery §3), all URLs under PUBLIC_URL. Only what
 * edge-sso implements is advertised: the code flow, S256 PKCE, ES256 ID tokens.
 */
export function openidConfiguration(publicUrl: string): DiscoveryDocument {
  const issuer = issuerOf(publicUrl);
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    // RP-initiated and back-channel logout (SPEC §4, §9): advertised only once logout is built.
    ...(BUILT.logout ? { end_session_endpoint: `${issuer}/oauth/logout`, backchannel_logout_supported: true } : {}),
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    code_challenge_methods_supported: ["S256"],
    scopes_supported: ["openid", "email", "profile"],
    claims_supported: CLAIMS_SUPPORTED,
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}

const tag = "OpenID Connect";

/** GET /.well-known/openid-configuration and GET /.well-known/jwks.json (SPEC §4). */
export const discoveryRoutes = [
  route({
    method: "GET",
    path: "/.well-known/openid-configuration",
    tag,
    access: "public",
    audience: "oauth",
    summary: "OpenID Provider metadata (OIDC Discovery §3)",
    success: { status: 200, description: "The discovery document", schema: "OpenIdConfiguration" },
    handler: ({ env }) => json(openidConfiguration(env.PUBLIC_URL), 200, CACHE_BRIEFLY),
  }),
  route({
    method: "GET",
    path: "/.well-known/jwks.json",
    tag,
    access: "public",
    audience: "oauth",
    summary: "The ID-token verification keys (RFC 7517 §5)",
    success: { status: 200, description: "JSON Web Key Set", contentType: "application/jwk-set+json", schema: "Jwks" },
    handler: async ({ env }) => {
      try {
        return json(await publishedJwks(env, Date.now()), 200, {
          ...CACHE_BRIEFLY,
          "content-type": "application/jwk-set+json",
        });
      } catch (error) {
        console.error("jwks failed", error instanceof Error ? error.stack : error);
        return new Response(null, { status: 503, headers: { "cache-control": "no-store", "retry-after": "5" } });
      }
    },
  }),
  preflightRoute({ path: "/.well-known/openid-configuration", methods: ["GET"], policy: "any-origin", tag }),
  preflightRoute({ path: "/.well-known/jwks.json", methods: ["GET"], policy: "any-origin", tag }),
];
