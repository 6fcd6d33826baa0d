/**
 * The SAML module's public surface (STYLE: one barrel). Verification of responses
 * (SPEC §5) and the AuthnRequest side of SP-initiated login (SPEC §3, §8).
 */
export { verifySamlResponse } from "./verify-saml-response";
export type { SamlLogin, SamlVerificationPolicy, VerifySamlResponseInput } from "./verify-saml-response";
export { SamlError, SAML_ERROR_CODES } from "./saml-error";
export type { SamlErrorCode, SamlResult, SamlStatusDetail } from "./saml-error";
export { attributeNamesOf, mappedAttributeNames, pickAttribute, SAML_ATTRIBUTE_DEFAULTS } from "./attribute-names";
export type { AttributeNameMapping, MappedField } from "./attribute-names";
export { SAML_LIMITS } from "./decode-saml-message";
export { readCertificate } from "./certificate";
export { buildAuthnRequest, NAME_ID_FORMATS, nameIdFormatUri } from "./build-authn-request";
export type { AuthnRequestInput, NameIdFormat } from "./build-authn-request";
export { signXml } from "./sign-xml";
export type { XmlSigningKey } from "./sign-xml";
export { encodePostBinding, encodeRedirectBinding } from "./bindings";
export type { PostBindingFields, RedirectBindingInput, SamlMessageParameter } from "./bindings";
export { buildLogoutResponse, STATUS } from "./build-logout-response";
export type { LogoutResponseInput, LogoutStatus } from "./build-logout-response";
