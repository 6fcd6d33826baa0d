export { buildAuthnRequest, type AuthnRequestInput } from "./build-authn-request";
export { signAuthnRequestXml, importSigningKey } from "./sign-authn-request";
export { encodePostBinding, encodeRedirectBinding, deflateRaw, SIG_ALG_RSA_SHA256 } from "./bindings";
