import { describe, expect, it } from "vitest";
import { codeOf, edit, fx, verifyXml } from "./helpers";

const pemBody = (pem: string) => pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");

/** SPEC §5 "signatures", "values" and "encrypted parts", attacked from genuine fixtures. */
describe("KeyInfo certificate substitution", () => {
  it("a response signed by the attacker with the attacker's certificate is untrusted_certificate", async () => {
    expect(await codeOf(verifyXml(fx.responses["rogue-signed"]!))).toBe("untrusted_certificate");
  });

  it("the attacker's signature presented with the IdP's certificate is signature_invalid", async () => {
    const attack = fx.responses["rogue-signed"]!.replace(
      /<ds:X509Certificate>[^<]*<\/ds:X509Certificate>/,
      `<ds:X509Certificate>${pemBody(fx.certificates.idp)}</ds:X509Certificate>`,
    );
    expect(await codeOf(verifyXml(attack))).toBe("signature_invalid");
  });

  it("a genuine signature whose KeyInfo names another certificate is untrusted_certificate", async () => {
    const attack = fx.responses["assertion-signed"]!.replace(
      /<ds:X509Certificate>[^<]*<\/ds:X509Certificate>/,
      `<ds:X509Certificate>${pemBody(fx.certificates.rogue)}</ds:X509Certificate>`,
    );
    expect(await codeOf(verifyXml(attack))).toBe("untrusted_certificate");
  });
});

describe("algorithm downgrade", () => {
  it("HMAC is never accepted", async () => {
    const attack = fx.responses["assertion-signed"]!.replace(
      "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
      "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
    );
    expect(await codeOf(verifyXml(attack))).toBe("unsupported_algorithm");
    expect(await codeOf(verifyXml(attack, { allowSha1: true }))).toBe("unsupported_algorithm");
  });

  it("SHA-1 digest and signature are refused without allowSha1", async () => {
    const digestOnly = fx.responses["assertion-signed"]!.replace(
      "http://www.w3.org/2001/04/xmlenc#sha256",
      "http://www.w3.org/2000/09/xmldsig#sha1",
    );
    expect(await codeOf(verifyXml(digestOnly))).toBe("unsupported_algorithm");
    expect(await codeOf(verifyXml(fx.responses["rsa-sha1-signed"]!))).toBe("unsupported_algorithm");
  });
});

describe("NameID injection", () => {
  const signed = fx.responses["assertion-signed"]!;
  const inNameId = (inject: string) =>
    signed.replace(`>${fx.nameId}</saml:NameID>`, `>${fx.nameId.replace("@", `${inject}@`)}</saml:NameID>`);

  it("a comment (invisible to exc-c14n, so the digest holds) is non_text_value", async () => {
    expect(await codeOf(verifyXml(inNameId("<!-- -->")))).toBe("non_text_value");
  });

  it("a processing instruction changes the canonical form: digest_mismatch", async () => {
    expect(await codeOf(verifyXml(inNameId("<?evil x?>")))).toBe("digest_mismatch");
  });

  it("a child element changes the canonical form: digest_mismatch", async () => {
    const code = await codeOf(verifyXml(inNameId('<x:y xmlns:x="urn:x"/>')));
    expect(code).toBe("digest_mismatch");
  });

  it("CDATA is read as its text: the signed identity, never a truncated one", async () => {
    const attack = signed.replace(`>${fx.nameId}</saml:NameID>`, `>alice<![CDATA[@example]]>.com</saml:NameID>`);
    const result = await verifyXml(attack);
    if (!result.ok) throw result.error;
    expect(result.value.nameId).toBe(fx.nameId);
  });

  it("a comment inside an AttributeValue is non_text_value", async () => {
    const attack = signed.replace(">engineering<", ">engi<!---->neering<");
    expect(await codeOf(verifyXml(attack))).toBe("non_text_value");
  });
});

describe("encrypted assertions", () => {
  it("an unsigned encrypted assertion is unsigned", async () => {
    expect(await codeOf(verifyXml(fx.responses["encrypted-unsigned"]!))).toBe("unsigned");
  });

  it.each(["encrypted-aes256-cbc", "encrypted-aes128-gcm"])(
    "tampered ciphertext of %s is decryption_failed",
    async (name) => {
      const xml = fx.responses[name]!;
      const values = [...xml.matchAll(/<xenc:CipherValue>([^<]*)<\/xenc:CipherValue>/g)];
      const content = values[values.length - 1]!;
      const flipped = content[1]!.replace(/\s/g, "");
      const i = Math.floor(flipped.length / 2);
      const tampered = flipped.slice(0, i) + (flipped[i] === "A" ? "B" : "A") + flipped.slice(i + 1);
      const attack = xml.replace(content[1]!, tampered);
      expect(await codeOf(verifyXml(attack))).toBe("decryption_failed");
    },
  );

  it("a tampered EncryptedKey is decryption_failed", async () => {
    const xml = fx.responses["encrypted-aes256-cbc"]!;
    const key = /<xenc:CipherValue>([^<]*)<\/xenc:CipherValue>/.exec(xml)![1]!;
    const attack = xml.replace(
      key,
      key.replace(/\s/g, "").replace(/^./, (c) => (c === "A" ? "B" : "A")),
    );
    expect(await codeOf(verifyXml(attack))).toBe("decryption_failed");
  });

  it("RSA-OAEP with mismatched OAEP and MGF1 hashes is unsupported_algorithm", async () => {
    const attack = fx.responses["encrypted-aes256-cbc"]!.replace(
      '<ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>',
      '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>',
    );
    expect(await codeOf(verifyXml(attack))).toBe("unsupported_algorithm");
  });

  it("RSA PKCS#1 v1.5 key transport is unsupported_algorithm", async () => {
    const attack = fx.responses["encrypted-aes256-cbc"]!.replace(
      "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
      "http://www.w3.org/2001/04/xmlenc#rsa-1_5",
    );
    expect(await codeOf(verifyXml(attack))).toBe("unsupported_algorithm");
  });

  it("a signed Response wrapping a tampered EncryptedAssertion is refused before decryption", async () => {
    const xml = fx.responses["encrypted-response-signed"]!;
    const values = [...xml.matchAll(/<xenc:CipherValue>([^<]*)<\/xenc:CipherValue>/g)];
    const content = values[values.length - 1]![1]!;
    const attack = xml.replace(
      content,
      content.replace(/\s/g, "").replace(/^./, (c) => (c === "A" ? "B" : "A")),
    );
    expect(await codeOf(verifyXml(attack, { wantAssertionsSigned: false }))).toBe("digest_mismatch");
  });

  it("an encrypted NameID that is tampered is decryption_failed", async () => {
    const xml = fx.responses["encrypted-nameid"]!;
    const attack = edit(xml, (_doc, find) => {
      const value = find("xenc", "CipherValue", 1);
      const text = value.textContent!.replace(/\s/g, "");
      value.textContent = (text[0] === "A" ? "B" : "A") + text.slice(1);
    });
    // The EncryptedID sits inside the signed assertion: the digest catches the change first.
    expect(await codeOf(verifyXml(attack))).toBe("digest_mismatch");
  });
});
