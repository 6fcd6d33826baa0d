import { DOMParser, XMLSerializer, type Document, type Element } from "@xmldom/xmldom";
import { inject } from "vitest";
import { encodeBase64 } from "../../../src/lib/base64";
import { certificatePublicKey, readCertificate } from "../../../src/saml/certificate";
import {
  mappedAttributeNames,
  verifySamlResponse,
  type SamlVerificationPolicy,
  type VerifySamlResponseInput,
} from "../../../src/saml";

/** The xmlsec1-signed fixtures of this run (test/setup/saml-fixtures.ts). */
export const fx = inject("samlFixtures");

/** base64 of UTF-8 text, as a browser would POST it. */
export function b64(xml: string): string {
  return encodeBase64(new TextEncoder().encode(xml));
}

/** The connection the fixtures were made for; override per test. */
export function policy(overrides: Partial<SamlVerificationPolicy> = {}): SamlVerificationPolicy {
  return {
    idpEntityId: fx.idpEntityId,
    idpCertificates: [fx.certificates.idp, fx.certificates.idpEc],
    spEntityId: fx.spEntityId,
    acsUrl: fx.acsUrl,
    wantAssertionsSigned: true,
    wantResponseSigned: false,
    allowIdpInitiated: false,
    allowSha1: false,
    clockSkewSeconds: 60,
    mappedAttributes: mappedAttributeNames({}),
    spDecryptionKeys: [fx.privateKeys.sp],
    ...overrides,
  };
}

/** Verify a Response XML at the fixtures' clock, as the pending login `fx.requestId`. */
export function verifyXml(
  xml: string,
  overrides: Partial<SamlVerificationPolicy> = {},
  input: Partial<Omit<VerifySamlResponseInput, "connection">> = {},
) {
  return verifySamlResponse({
    samlResponse: b64(xml),
    connection: policy(overrides),
    expectedRequestId: fx.requestId,
    now: new Date(fx.now),
    ...input,
  });
}

/** The rejection code, or "ok". */
export async function codeOf(result: ReturnType<typeof verifyXml>): Promise<string> {
  const r = await result;
  return r.ok ? "ok" : r.error.code;
}

/** Edit a Response with xmldom and serialize it back, as an attacker's tool would. */
export function edit(xml: string, change: (doc: Document, find: Finder) => void): string {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  change(doc, finder(doc));
  return new XMLSerializer().serializeToString(doc);
}

export const NS = {
  protocol: "urn:oasis:names:tc:SAML:2.0:protocol",
  assertion: "urn:oasis:names:tc:SAML:2.0:assertion",
  dsig: "http://www.w3.org/2000/09/xmldsig#",
  xenc: "http://www.w3.org/2001/04/xmlenc#",
} as const;

type Finder = (ns: keyof typeof NS, local: string, index?: number) => Element;

function finder(doc: Document): Finder {
  return (ns, local, index = 0) => {
    const found = doc.getElementsByTagNameNS(NS[ns], local).item(index);
    if (!found) throw new Error(`fixture has no ${local}[${index}]`);
    return found;
  };
}

const XENC = "http://www.w3.org/2001/04/xmlenc#";
const XENC11 = "http://www.w3.org/2009/xmlenc11#";

/** Where the (first) Assertion element of a Response's text starts and ends. */
export function assertionSpan(xml: string): { start: number; end: number; text: string } {
  const start = xml.indexOf("<saml:Assertion");
  const end = xml.indexOf("</saml:Assertion>", start) + "</saml:Assertion>".length;
  return { start, end, text: xml.slice(start, end) };
}

/**
 * Replace the Assertion of `xml` by an EncryptedAssertion holding `plaintext` (by default
 * that Assertion as it is), made with WebCrypto for the SP certificate: AES-256-GCM content,
 * xmlenc11#rsa-oaep key transport with the given MGF and digest.
 */
export async function encryptAssertionWithWebCrypto(
  xml: string,
  options: { plaintext?: string; mgf?: string; digest?: string } = {},
): Promise<string> {
  const { start, end, text } = assertionSpan(xml);
  const aesKey = crypto.getRandomValues(new Uint8Array(32));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await crypto.subtle.importKey("raw", aesKey, "AES-GCM", false, ["encrypt"]);
  const plaintext = new TextEncoder().encode(options.plaintext ?? text);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plaintext));
  const spki = certificatePublicKey(readCertificate(fx.certificates.sp)!.der)!.spki;
  const rsa = await crypto.subtle.importKey("spki", spki, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["encrypt"]);
  const wrapped = new Uint8Array(await crypto.subtle.encrypt({ name: "RSA-OAEP" }, rsa, aesKey));
  const content = new Uint8Array(iv.length + sealed.length);
  content.set(iv);
  content.set(sealed, iv.length);
  const encrypted =
    `<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="${XENC}" Type="${XENC}Element">` +
    `<xenc:EncryptionMethod Algorithm="${XENC11}aes256-gcm"/>` +
    `<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey>` +
    `<xenc:EncryptionMethod Algorithm="${XENC11}rsa-oaep"><ds:DigestMethod Algorithm="${options.digest ?? `${XENC}sha256`}"/>` +
    `<xenc11:MGF xmlns:xenc11="${XENC11}" Algorithm="${options.mgf ?? `${XENC11}mgf1sha256`}"/></xenc:EncryptionMethod>` +
    `<xenc:CipherData><xenc:CipherValue>${encodeBase64(wrapped)}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>${encodeBase64(content)}</xenc:CipherValue>` +
    `</xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>`;
  return xml.slice(0, start) + encrypted + xml.slice(end);
}
