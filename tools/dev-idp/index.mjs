/**
 * edge-sso's development SAML 2.0 identity provider: the public surface. See README.md.
 */
export { startDevIdp, DEFAULT_USERS } from "./server.mjs";
export { parseAuthnRequest, decodeRedirectRequest, decodePostRequest } from "./authn-request.mjs";
