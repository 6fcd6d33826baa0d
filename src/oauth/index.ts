/**
 * The app-facing OpenID provider (SPEC §4): token, userinfo, discovery and JWKS, and the
 * pure checks the authorization endpoint shares with them.
 */
export { oauthRoutes } from "./routes";
export { mintAuthorizationCode, type MintedCode } from "./authorization-code";
export { isRegisteredRedirectUri, checkRedirectUri } from "./check-redirect-uri";
export { checkCodeChallenge, checkPkce, isCodeVerifier, s256Challenge } from "./check-pkce";
export { checkClientAuth } from "./check-client-auth";
export { readClientCredentials, parseBasicCredentials } from "./read-client-credentials";
export { openidConfiguration } from "./discovery";
export { issuerOf } from "./issuer";
export { activeSigningKey, publishedJwks, rotateSigningKey } from "./signing-keys";
export { CODE_TTL_MS, ACCESS_TOKEN_TTL_S, ID_TOKEN_TTL_S } from "./lifetimes";
export type { TokenRefusal, OAuthErrorCode } from "./oauth-error";
