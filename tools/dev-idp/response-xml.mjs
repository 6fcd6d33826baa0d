import { NS, escapeXml } from "./xml.mjs";

const STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
const PASSWORD_PROTECTED_TRANSPORT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
const ATTRNAME_BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";

/**
 * Every value of one Response, already decided (see sign-response.mjs for the defaults).
 * @typedef {object} ResponseFields
 * @property {string} responseId
 * @property {string} assertionId
 * @property {string} issueInstant
 * @property {string | null} inResponseTo
 * @property {string | null} destination
 * @property {string} issuer
 * @property {string} statusCode
 * @property {string | null} statusMessage
 * @property {string} nameId
 * @property {string} nameIdFormat
 * @property {string} recipient
 * @property {string} notBefore
 * @property {string} notOnOrAfter
 * @property {string} audience
 * @property {string} sessionIndex
 * @property {string | null} sessionNotOnOrAfter
 * @property {Record<string, string[]>} attributes
 * @property {boolean} signAssertion
 * @property {boolean} signResponse
 * @property {boolean} encryptAssertion wrap the Assertion in EncryptedAssertion, for xmlsec1 to encrypt
 */

/**
 * An empty enveloped signature over `#id` for xmlsec1 to fill (XML-DSig 2nd ed.; SAML core 5.4):
 * exc-c14n, RSA-SHA256, enveloped-signature + exc-c14n transforms, SHA-256 digest; xmlsec1
 * writes the signing certificate into the empty X509Data.
 * @param {string} id
 * @returns {string}
 */
export function signatureTemplate(id) {
  return (
    `<ds:Signature xmlns:ds="${NS.dsig}"><ds:SignedInfo>` +
    `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
    `<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>` +
    `<ds:Reference URI="#${escapeXml(id)}"><ds:Transforms>` +
    `<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
    `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>` +
    `</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>`
  );
}

/**
 * @param {Record<string, string[]>} attributes
 * @returns {string}
 */
function attributeStatement(attributes) {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return "";
  const items = entries.map(
    ([name, values]) =>
      `<saml:Attribute Name="${escapeXml(name)}" NameFormat="${ATTRNAME_BASIC}">` +
      values.map((v) => `<saml:AttributeValue>${escapeXml(v)}</saml:AttributeValue>`).join("") +
      `</saml:Attribute>`,
  );
  return `<saml:AttributeStatement>${items.join("")}</saml:AttributeStatement>`;
}

/**
 * The Assertion (SAML core 2.3.3); its Signature template is the direct child after Issuer.
 * @param {ResponseFields} f
 * @returns {string}
 */
function assertionXml(f) {
  const inResponseTo = f.inResponseTo === null ? "" : ` InResponseTo="${escapeXml(f.inResponseTo)}"`;
  const sessionNotOnOrAfter = f.sessionNotOnOrAfter ? ` SessionNotOnOrAfter="${escapeXml(f.sessionNotOnOrAfter)}"` : "";
  return (
    `<saml:Assertion xmlns:saml="${NS.assertion}" ID="${escapeXml(f.assertionId)}" Version="2.0" IssueInstant="${escapeXml(f.issueInstant)}">` +
    `<saml:Issuer>${escapeXml(f.issuer)}</saml:Issuer>` +
    (f.signAssertion ? signatureTemplate(f.assertionId) : "") +
    `<saml:Subject><saml:NameID Format="${escapeXml(f.nameIdFormat)}">${escapeXml(f.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData Recipient="${escapeXml(f.recipient)}" NotOnOrAfter="${escapeXml(f.notOnOrAfter)}"${inResponseTo}/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${escapeXml(f.notBefore)}" NotOnOrAfter="${escapeXml(f.notOnOrAfter)}">` +
    `<saml:AudienceRestriction><saml:Audience>${escapeXml(f.audience)}</saml:Audience></saml:AudienceRestriction>` +
    `</saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${escapeXml(f.issueInstant)}" SessionIndex="${escapeXml(f.sessionIndex)}"${sessionNotOnOrAfter}>` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>${PASSWORD_PROTECTED_TRANSPORT}</saml:AuthnContextClassRef></saml:AuthnContext>` +
    `</saml:AuthnStatement>` +
    attributeStatement(f.attributes) +
    `</saml:Assertion>`
  );
}

/**
 * The unsigned Response (SAML core 3.2.2, 3.3.3) with Signature templates where requested.
 * A non-Success status carries no Assertion.
 * @param {ResponseFields} f
 * @returns {string}
 */
export function responseXml(f) {
  const inResponseTo = f.inResponseTo === null ? "" : ` InResponseTo="${escapeXml(f.inResponseTo)}"`;
  const destination = f.destination === null ? "" : ` Destination="${escapeXml(f.destination)}"`;
  const success = f.statusCode === STATUS_SUCCESS;
  const message = f.statusMessage ? `<samlp:StatusMessage>${escapeXml(f.statusMessage)}</samlp:StatusMessage>` : "";
  let assertion = success ? assertionXml(f) : "";
  if (assertion && f.encryptAssertion) assertion = `<saml:EncryptedAssertion>${assertion}</saml:EncryptedAssertion>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${escapeXml(f.responseId)}" Version="2.0" ` +
    `IssueInstant="${escapeXml(f.issueInstant)}"${destination}${inResponseTo}>` +
    `<saml:Issuer>${escapeXml(f.issuer)}</saml:Issuer>` +
    (f.signResponse ? signatureTemplate(f.responseId) : "") +
    `<samlp:Status><samlp:StatusCode Value="${escapeXml(f.statusCode)}"/>${message}</samlp:Status>` +
    assertion +
    `</samlp:Response>\n`
  );
}

export { STATUS_SUCCESS };
