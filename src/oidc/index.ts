/** OpenID Connect connections: edge-sso as a relying party of the customer's IdP (issue 5). */
export { oidcCallbackRoute } from "./callback";
export { discoverIssuer } from "./discover-issuer";
export type { OidcFailure, OidcFailureReason } from "./oidc-failure";
export { startOidc } from "./start-oidc";
