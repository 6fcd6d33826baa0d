import { createPublicKey, createVerify } from "node:crypto";
import { inflateRawSync } from "node:zlib";
import { DOMParser } from "@xmldom/xmldom";
import { NS } from "./xml.mjs";

/** @typedef {import("@xmldom/xmldom").Element} XmlElement */

/** Inflated AuthnRequests above this size are refused (a deflate bomb guard). */
const MAX_XML_BYTES = 256 * 1024;

/**
 * What the IdP needs from an AuthnRequest (SAML core 3.4.1).
 * @typedef {object} AuthnRequest
 * @property {string} id
 * @property {string | null} issuer the SP entity ID
 * @property {string | null} acsUrl AssertionConsumerServiceURL
 * @property {string | null} destination
 * @property {string | null} nameIdFormat NameIDPolicy Format
 * @property {boolean} forceAuthn
 * @property {boolean} isPassive
 * @property {"redirect" | "post"} binding
 * @property {{sigAlg: string, verified: boolean | null} | null} redirectSignature the HTTP-Redirect
 *   signature, if any; `verified` is null when no SP certificate was configured to check it
 * @property {string} xml
 */

export class AuthnRequestError extends Error {}

/**
 * Decode the HTTP-Redirect binding's SAMLRequest (SAML bindings 3.4.4.1: base64 of raw DEFLATE).
 * @param {string} value the query parameter, already URL-decoded
 * @returns {string}
 */
export function decodeRedirectRequest(value) {
  try {
    const xml = inflateRawSync(Buffer.from(value, "base64"), { maxOutputLength: MAX_XML_BYTES });
    return new TextDecoder("utf-8", { fatal: true }).decode(xml);
  } catch (error) {
    throw new AuthnRequestError(`SAMLRequest is not base64 raw DEFLATE: ${/** @type {Error} */ (error).message}`);
  }
}

/**
 * Decode the HTTP-POST binding's SAMLRequest (SAML bindings 3.5.4: base64 of the XML).
 * @param {string} value
 * @returns {string}
 */
export function decodePostRequest(value) {
  const bytes = Buffer.from(value.replace(/\s+/g, ""), "base64");
  if (bytes.length > MAX_XML_BYTES) throw new AuthnRequestError("SAMLRequest too large");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AuthnRequestError("SAMLRequest is not UTF-8");
  }
}

/**
 * Check the HTTP-Redirect binding signature (SAML bindings 3.4.4.1) over the raw, still
 * URL-encoded query parameters, in the order the spec fixes.
 * @param {string} rawQuery the query string without "?"
 * @param {string} certificatePem the SP's signing certificate
 * @param {"SAMLRequest" | "SAMLResponse"} [parameter] the message's parameter (default SAMLRequest)
 * @returns {boolean}
 */
export function verifyRedirectSignature(rawQuery, certificatePem, parameter = "SAMLRequest") {
  /** @type {Map<string, string>} */
  const raw = new Map();
  for (const part of rawQuery.split("&")) {
    const eq = part.indexOf("=");
    if (eq > 0) raw.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const signed = [parameter, "RelayState", "SigAlg"]
    .filter((name) => raw.has(name))
    .map((name) => `${name}=${raw.get(name)}`)
    .join("&");
  const sigAlg = decodeURIComponent(raw.get("SigAlg") ?? "");
  const hash = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": "sha512",
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1": "sha1",
  }[sigAlg];
  if (!hash) return false;
  const signature = Buffer.from(decodeURIComponent(raw.get("Signature") ?? ""), "base64");
  return createVerify(hash).update(signed).verify(createPublicKey(certificatePem), signature);
}

/**
 * @param {XmlElement} parent
 * @param {string} ns
 * @param {string} localName
 * @returns {XmlElement | null}
 */
function child(parent, ns, localName) {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    const element = /** @type {XmlElement} */ (node);
    if (node.nodeType === 1 && element.namespaceURI === ns && element.localName === localName) return element;
  }
  return null;
}

/**
 * The root element of an SP's SAMLRequest XML, parsed with @xmldom/xmldom (no DOCTYPE, every
 * parser error fatal).
 * @param {string} xml
 */
export function parseSamlRequestXml(xml) {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new AuthnRequestError("DOCTYPE is not allowed");
  try {
    return new DOMParser({
      onError: (level, message) => {
        throw new Error(`${level}: ${message}`);
      },
    }).parseFromString(xml, "text/xml").documentElement;
  } catch (error) {
    throw new AuthnRequestError(`SAMLRequest is not well-formed XML: ${/** @type {Error} */ (error).message}`);
  }
}

/**
 * Parse an AuthnRequest with @xmldom/xmldom, matching by namespace and local name.
 * @param {string} xml
 * @param {"redirect" | "post"} binding
 * @returns {AuthnRequest}
 */
export function parseAuthnRequest(xml, binding) {
  const root = parseSamlRequestXml(xml);
  if (!root || root.namespaceURI !== NS.protocol || root.localName !== "AuthnRequest") {
    throw new AuthnRequestError("SAMLRequest is not a samlp:AuthnRequest");
  }
  const id = root.getAttribute("ID");
  if (!id) throw new AuthnRequestError("AuthnRequest has no ID");
  const issuer = child(root, NS.assertion, "Issuer");
  const policy = child(root, NS.protocol, "NameIDPolicy");
  const flag = (/** @type {string} */ name) => ["true", "1"].includes(root.getAttribute(name) ?? "");
  return {
    id,
    issuer: issuer?.textContent?.trim() || null,
    acsUrl: root.getAttribute("AssertionConsumerServiceURL") || null,
    destination: root.getAttribute("Destination") || null,
    nameIdFormat: policy?.getAttribute("Format") || null,
    forceAuthn: flag("ForceAuthn"),
    isPassive: flag("IsPassive"),
    binding,
    redirectSignature: null,
    xml,
  };
}
