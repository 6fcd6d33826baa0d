/** Lifetimes of what the OpenID provider issues (SPEC §4). */

/** An authorization code lives 60 s (SPEC §4; RFC 6749 §4.1.2 recommends at most 10 minutes). */
export const CODE_TTL_MS = 60_000;

/** Access tokens (for /oauth/userinfo) live one hour. */
export const ACCESS_TOKEN_TTL_S = 3_600;

/** ID tokens live one hour; a retired signing key stays in JWKS this long after retirement. */
export const ID_TOKEN_TTL_S = 3_600;

/** How long an isolate trusts its cached active signing key before asking the store again. */
export const SIGNING_KEY_CACHE_MS = 60_000;
