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
export { readCertificate } from "./certificate";
export { signXml } from "./sign-xml";
export type { XmlSigningKey } from "./sign-xml";
// What builds and encodes the SP's own messages, without an XML parser (the login path imports it alone).
export * from "./outbound";
