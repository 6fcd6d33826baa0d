/**
 * The light part of the SAML module: building and encoding the SP's own messages (the
 * AuthnRequest, the bindings, the LogoutResponse) and the input limits, with no XML parser.
 * The routes an isolate registers when it starts import this; the verifier and the XML
 * signer (xmldom, exc-c14n, the signature code: most of an isolate's module evaluation)
 * come from the barrel, src/saml/index.ts, loaded on first use — by the first ACS request
 * or signed AuthnRequest of an isolate (bench/README.md "Cold start"). The barrel re-exports
 * all of this.
 */
export { SAML_LIMITS } from "./decode-saml-message";
export { buildAuthnRequest, NAME_ID_FORMATS, nameIdFormatUri } from "./build-authn-request";
export type { AuthnRequestInput, NameIdFormat } from "./build-authn-request";
export { encodePostBinding, encodeRedirectBinding } from "./bindings";
export type { PostBindingFields, RedirectBindingInput, SamlMessageParameter } from "./bindings";
export { buildLogoutResponse, STATUS } from "./build-logout-response";
export type { LogoutResponseInput, LogoutStatus } from "./build-logout-response";
