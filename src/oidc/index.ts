/**
 * The relying-party side of OpenID Connect (issue 5), wrapped around oauth4webapi:
 * discovery, the code exchange, userinfo, the outbound request policy and error
 * classification. The login routes that use them are in src/flow/oidc/.
 */
export { discoverIssuer } from "./discover-issuer";
export type { OidcFailure, OidcFailureReason } from "./oidc-failure";
