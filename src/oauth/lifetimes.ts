/** Lifetimes of what the OpenID provider issues (SPEC §4). */

/** An authorization code lives 60 s (SPEC §4; RFC 6749 §4.1.2 recommends at most 10 minutes). */
export const CODE_TTL_MS = 60_000;

/** Access tokens (for /oauth/userinfo) live one hour. */
export const ACCESS_TOKEN_TTL_S = 3_600;

/** ID tokens live one hour; a retired signing key stays in JWKS this long after retirement. */
export const ID_TOKEN_TTL_S = 3_600;

/** How long an isolate trusts its copy of the signing keys (SPEC §1: at most 30 s). */
export const SIGNING_KEY_CACHE_MS = 30_000;

/** JWKS `Cache-Control: max-age`: how long an HTTP cache may keep a copy. */
export const JWKS_MAX_AGE_S = 60;

/**
 * How long after a rotation the new key starts signing: every copy of JWKS that could lack
 * it — an isolate's (SIGNING_KEY_CACHE_MS), then an HTTP cache's (JWKS_MAX_AGE_S) — has
 * expired by then, so no RP meets a token whose key it cannot fetch (SPEC §4).
 */
export const ROTATION_LEAD_MS = SIGNING_KEY_CACHE_MS + JWKS_MAX_AGE_S * 1000;

/**
 * A login's session (SPEC §9) is remembered for a day, or until the SAML IdP's
 * SessionNotOnOrAfter when that is earlier: long enough for an IdP's LogoutRequest to find
 * the apps to notify, bounded so the table does not grow with every login ever made.
 */
export const SESSION_TTL_MS = 24 * 3_600_000;
