import { describe, expect, it } from "vitest";
import { encodeBase64 } from "../../../src/lib/base64";
import { certificatePublicKey, readCertificate } from "../../../src/saml/certificate";
import { codeOf, fx, verifyXml } from "./helpers";

/*
 * xmlenc11#rsa-oaep (SHA-256 for OAEP and MGF1). Debian's xmlsec1 1.2 cannot write it, so
 * this EncryptedAssertion is made here with WebCrypto around the xmlsec1-signed assertion.
 */
const XENC = "http://www.w3.org/2001/04/xmlenc#";
const XENC11 = "http://www.w3.org/2009/xmlenc11#";

async function encryptedResponse(mgf: string, digest = `${XENC}sha256`): Promise<string> {
  const signed = fx.responses["assertion-signed"]!;
  const start = signed.indexOf("<saml:Assertion");
  const end = signed.indexOf("</saml:Assertion>") + "</saml:Assertion>".length;
  const aesKey = crypto.getRandomValues(new Uint8Array(32));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await crypto.subtle.importKey("raw", aesKey, "AES-GCM", false, ["encrypt"]);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(signed.slice(start, end))),
  );
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
    `<xenc:EncryptionMethod Algorithm="${XENC11}rsa-oaep"><ds:DigestMethod Algorithm="${digest}"/>` +
    `<xenc11:MGF xmlns:xenc11="${XENC11}" Algorithm="${mgf}"/></xenc:EncryptionMethod>` +
    `<xenc:CipherData><xenc:CipherValue>${encodeBase64(wrapped)}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>${encodeBase64(content)}</xenc:CipherValue>` +
    `</xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>`;
  return signed.slice(0, start) + encrypted + signed.slice(end);
}

describe("xmlenc11#rsa-oaep key transport", () => {
  it("decrypts when the OAEP digest and MGF1 hash agree", async () => {
    const result = await verifyXml(await encryptedResponse(`${XENC11}mgf1sha256`));
    if (!result.ok) throw result.error;
    expect(result.value.nameId).toBe(fx.nameId);
  });

  it("refuses a mixed OAEP digest / MGF1 hash as unsupported_algorithm", async () => {
    expect(await codeOf(verifyXml(await encryptedResponse(`${XENC11}mgf1sha1`)))).toBe("unsupported_algorithm");
  });
});
