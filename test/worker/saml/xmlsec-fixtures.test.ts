import { describe, expect, it } from "vitest";
import { codeOf, fx, verifyXml } from "./helpers";

/*
 * Responses signed and encrypted by an independent implementation (Debian's xmlsec1, at
 * test setup) verify through the library in workerd, with the identity they carry.
 */
describe("xmlsec1-signed responses", () => {
  it.each([
    "assertion-signed",
    "both-signed",
    "ecdsa-signed",
    "inclusive-namespaces",
    "encrypted-aes256-cbc",
    "encrypted-aes128-cbc",
    "encrypted-aes128-gcm",
    "encrypted-aes256-gcm",
    "encrypted-nameid",
  ])("%s verifies and yields the signed identity", async (name) => {
    const result = await verifyXml(fx.responses[name]!);
    if (!result.ok) throw result.error;
    expect(result.value).toMatchObject({
      issuer: fx.idpEntityId,
      nameId: fx.nameId,
      nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
      sessionIndex: "_session_1",
      inResponseTo: fx.requestId,
      idpInitiated: false,
      assertionId: "_a1b2c3d4e5f60718293a4b5c6d7e8f90",
      responseId: "_r0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    });
    expect(result.value.nameIdEncrypted).toBe(name === "encrypted-nameid");
    expect({ ...result.value.attributes }).toEqual({
      email: [fx.nameId],
      firstName: ["Alice"],
      groups: ["engineering", "admins"],
    });
    expect(result.value.notOnOrAfter.toISOString()).toBe("2030-01-01T00:05:00.000Z");
    expect(result.value.replayCacheUntil.toISOString()).toBe("2030-01-01T00:06:00.000Z");
  });

  it("accepts a Response-signed-only response when wantAssertionsSigned is off", async () => {
    const result = await verifyXml(fx.responses["response-signed"]!, { wantAssertionsSigned: false });
    if (!result.ok) throw result.error;
    expect(result.value.signed).toEqual({ response: true, assertion: false });
    expect(await codeOf(verifyXml(fx.responses["response-signed"]!))).toBe("unsigned");
  });

  it("requires the Response signature when wantResponseSigned is on", async () => {
    expect(await codeOf(verifyXml(fx.responses["assertion-signed"]!, { wantResponseSigned: true }))).toBe("unsigned");
    const both = await verifyXml(fx.responses["both-signed"]!, { wantResponseSigned: true });
    expect(both.ok && both.value.signed).toEqual({ response: true, assertion: true });
  });

  it("accepts an encrypted unsigned assertion only under a verified Response signature", async () => {
    const name = "encrypted-response-signed";
    expect(await codeOf(verifyXml(fx.responses[name]!, { wantAssertionsSigned: false }))).toBe("ok");
    expect(await codeOf(verifyXml(fx.responses[name]!))).toBe("unsigned");
    expect(await codeOf(verifyXml(fx.responses["encrypted-unsigned"]!, { wantAssertionsSigned: false }))).toBe(
      "unsigned",
    );
  });

  it("takes SHA-1 only when the connection allows it", async () => {
    expect(await codeOf(verifyXml(fx.responses["rsa-sha1-signed"]!))).toBe("unsupported_algorithm");
    expect(await codeOf(verifyXml(fx.responses["rsa-sha1-signed"]!, { allowSha1: true }))).toBe("ok");
  });

  it("verifies with any configured certificate (rotation), and only with those", async () => {
    const rotated = { idpCertificates: [fx.certificates.rogue, fx.certificates.idp] };
    expect(await codeOf(verifyXml(fx.responses["assertion-signed"]!, rotated))).toBe("ok");
    const only = { idpCertificates: [fx.certificates.rogue] };
    expect(await codeOf(verifyXml(fx.responses["assertion-signed"]!, only))).toBe("untrusted_certificate");
    expect(await codeOf(verifyXml(fx.responses["assertion-signed"]!, { idpCertificates: [] }))).toBe(
      "untrusted_certificate",
    );
  });

  it("accepts configured certificates as one-line PEM, bare base64 and base64 of PEM", async () => {
    const pem = fx.certificates.idp;
    const body = pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
    const forms = [pem.replace(/\n/g, "\r\n"), pem.replace(/\n/g, ""), body, btoa(pem)];
    for (const form of forms) {
      expect(await codeOf(verifyXml(fx.responses["assertion-signed"]!, { idpCertificates: [form] }))).toBe("ok");
    }
  });

  it("decrypts with any configured SP key and fails generically without the right one", async () => {
    const name = "encrypted-aes256-cbc";
    expect(
      await codeOf(verifyXml(fx.responses[name]!, { spDecryptionKeys: [fx.privateKeys.rogue, fx.privateKeys.sp] })),
    ).toBe("ok");
    expect(await codeOf(verifyXml(fx.responses[name]!, { spDecryptionKeys: [fx.privateKeys.rogue] }))).toBe(
      "decryption_failed",
    );
    expect(await codeOf(verifyXml(fx.responses[name]!, { spDecryptionKeys: [] }))).toBe("decryption_failed");
    expect(await codeOf(verifyXml(fx.responses["encrypted-nameid"]!, { spDecryptionKeys: [] }))).toBe(
      "decryption_failed",
    );
  });

  it("accepts an IdP-initiated response only when allowed", async () => {
    const unsolicited = fx.responses.unsolicited!;
    const result = await verifyXml(unsolicited, { allowIdpInitiated: true }, { expectedRequestId: undefined });
    expect(result.ok && result.value.idpInitiated).toBe(true);
    expect(await codeOf(verifyXml(unsolicited, {}, { expectedRequestId: undefined }))).toBe("unsolicited");
    expect(await codeOf(verifyXml(unsolicited))).toBe("in_response_to_missing");
    expect(await codeOf(verifyXml(unsolicited, { allowIdpInitiated: true }))).toBe("ok");
  });
});
