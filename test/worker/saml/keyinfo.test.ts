import { describe, expect, it } from "vitest";
import { decodeBase64url, encodeBase64 } from "../../../src/lib/base64";
import { certificatePublicKey, readCertificate } from "../../../src/saml/certificate";
import { codeOf, fx, verifyXml } from "./helpers";

/*
 * SPEC §5: KeyInfo is optional (XML-DSig §4.5). An X509Certificate in it selects among the
 * configured certificates; without one (no KeyInfo, a KeyName, a KeyValue) each configured
 * certificate is tried, and a key the message carries is never used. Every response here
 * is signed by xmlsec1; only its KeyInfo (outside what the signature covers) is changed.
 */
const KEY_INFO = /<ds:KeyInfo>[\s\S]*?<\/ds:KeyInfo>/g;

const withoutKeyInfo = (xml: string) => xml.replace(KEY_INFO, "");
const withKeyInfo = (xml: string, content: string) => xml.replace(KEY_INFO, `<ds:KeyInfo>${content}</ds:KeyInfo>`);

const toBase64 = (base64url: string) => encodeBase64(decodeBase64url(base64url)!);

/** `<ds:KeyValue><ds:RSAKeyValue>` of a certificate's public key, as SecureWorks sends it. */
async function rsaKeyValue(certificatePem: string): Promise<string> {
  const spki = certificatePublicKey(readCertificate(certificatePem)!.der)!.spki;
  const key = await crypto.subtle.importKey("spki", spki, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, [
    "verify",
  ]);
  const jwk = (await crypto.subtle.exportKey("jwk", key)) as JsonWebKey;
  return (
    `<ds:KeyValue><ds:RSAKeyValue><ds:Modulus>${toBase64(jwk.n!)}</ds:Modulus>` +
    `<ds:Exponent>${toBase64(jwk.e!)}</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>`
  );
}

describe("signatures without a KeyInfo certificate", () => {
  const signed = () => fx.responses["assertion-signed"]!;

  it("no KeyInfo at all (Oracle Access Manager): verifies with the configured certificate", async () => {
    const xml = withoutKeyInfo(signed());
    expect(xml).not.toContain("KeyInfo");
    const result = await verifyXml(xml);
    if (!result.ok) throw result.error;
    expect(result.value.nameId).toBe(fx.nameId);
  });

  it("each configured certificate is tried in turn (rotation)", async () => {
    const xml = withoutKeyInfo(signed());
    const rotated = [fx.certificates.rogue, fx.certificates.idpEc, fx.certificates.idp];
    expect(await codeOf(verifyXml(xml, { idpCertificates: rotated }))).toBe("ok");
  });

  it("none of the configured certificates verifying is signature_invalid", async () => {
    const xml = withoutKeyInfo(signed());
    expect(await codeOf(verifyXml(xml, { idpCertificates: [fx.certificates.rogue] }))).toBe("signature_invalid");
  });

  it("a configured certificate whose key cannot make the signature is untrusted_certificate", async () => {
    const xml = withoutKeyInfo(signed());
    expect(await codeOf(verifyXml(xml, { idpCertificates: [fx.certificates.idpEc] }))).toBe("untrusted_certificate");
    expect(await codeOf(verifyXml(xml, { idpCertificates: [] }))).toBe("untrusted_certificate");
  });

  it("an ECDSA signature without KeyInfo finds the EC certificate among RSA ones", async () => {
    const xml = withoutKeyInfo(fx.responses["ecdsa-signed"]!);
    const configured = [fx.certificates.idp, fx.certificates.rogue, fx.certificates.idpEc];
    expect(await codeOf(verifyXml(xml, { idpCertificates: configured }))).toBe("ok");
    expect(await codeOf(verifyXml(xml, { idpCertificates: [fx.certificates.idp] }))).toBe("untrusted_certificate");
  });

  it("only a KeyName: verifies with the configured certificate; the name selects nothing", async () => {
    const xml = withKeyInfo(signed(), "<ds:KeyName>idp-signing-2030</ds:KeyName>");
    expect(await codeOf(verifyXml(xml))).toBe("ok");
    expect(await codeOf(verifyXml(xml, { idpCertificates: [fx.certificates.rogue] }))).toBe("signature_invalid");
  });

  it("only the IdP's RSAKeyValue (SecureWorks): verifies with the configured certificate", async () => {
    const xml = withKeyInfo(signed(), await rsaKeyValue(fx.certificates.idp));
    expect(xml).toContain("<ds:RSAKeyValue>");
    expect(await codeOf(verifyXml(xml))).toBe("ok");
  });

  it("a Response-only signature without KeyInfo (OneLogin, Auth0 style) verifies when wantAssertionsSigned is off", async () => {
    const xml = withoutKeyInfo(fx.responses["response-signed"]!);
    const result = await verifyXml(xml, { wantAssertionsSigned: false });
    if (!result.ok) throw result.error;
    expect(result.value.signed).toEqual({ response: true, assertion: false });
  });
});

describe("a key from the message is never used", () => {
  it("the attacker's signature with the attacker's own RSAKeyValue is signature_invalid", async () => {
    const attack = withKeyInfo(fx.responses["rogue-signed"]!, await rsaKeyValue(fx.certificates.rogue));
    expect(await codeOf(verifyXml(attack))).toBe("signature_invalid");
  });

  it("the attacker's signature with KeyInfo removed is signature_invalid", async () => {
    expect(await codeOf(verifyXml(withoutKeyInfo(fx.responses["rogue-signed"]!)))).toBe("signature_invalid");
  });

  it("the attacker's key as a KeyValue beside the IdP's certificate: the certificate selects, the key is ignored", async () => {
    const pemBody = fx.certificates.idp.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
    const attack = withKeyInfo(
      fx.responses["rogue-signed"]!,
      `${await rsaKeyValue(fx.certificates.rogue)}<ds:X509Data><ds:X509Certificate>${pemBody}</ds:X509Certificate></ds:X509Data>`,
    );
    expect(await codeOf(verifyXml(attack))).toBe("signature_invalid");
  });

  it("an unconfigured X509Certificate still rejects, even when a configured key would verify", async () => {
    const pemBody = fx.certificates.rogue.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
    const xml = withKeyInfo(
      fx.responses["assertion-signed"]!,
      `<ds:X509Data><ds:X509Certificate>${pemBody}</ds:X509Certificate></ds:X509Data>`,
    );
    expect(await codeOf(verifyXml(xml))).toBe("untrusted_certificate");
  });
});
