import { DOMParser, type Element } from "@xmldom/xmldom";
import { describe, expect, it } from "vitest";
import { decryptElement } from "../../../src/saml/decrypt-element";
import { parseDecrypted } from "../../../src/saml/parse-decrypted";
import { assertionSpan, codeOf, encryptAssertionWithWebCrypto, fx, NS, verifyXml } from "./helpers";

/*
 * SPEC §5: decrypted XML passes the input and structure rules again — exactly one
 * Assertion, none nested anywhere inside it, IDs unique across the outer and decrypted
 * documents. Found by mutation: a forged Assertion inside the genuine one's KeyInfo,
 * then encrypted, was accepted (as the genuine user, but accepted).
 */
const FORGED =
  `<saml:Assertion ID="_forged_admin" IssueInstant="2030-01-01T00:00:00Z" Version="2.0">` +
  `<saml:Issuer>${fx.idpEntityId}</saml:Issuer><saml:Subject><saml:NameID>admin@example.com</saml:NameID>` +
  `</saml:Subject></saml:Assertion>`;
const SAML_NS = 'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"';
const signed = () => fx.responses["assertion-signed"]!;
/** The signed assertion's text, declaring the prefix the Response declared for it. */
const standalone = (assertion: string) => assertion.replace("<saml:Assertion ", `<saml:Assertion ${SAML_NS} `);

describe("decrypted assertions pass the structure rules again", () => {
  it("xmlsec1-encrypted: a forged Assertion inside the signed one's KeyInfo is multiple_assertions", async () => {
    const xml = fx.responses["encrypted-forged-in-keyinfo"]!;
    const encrypted = new DOMParser()
      .parseFromString(xml, "application/xml")
      .getElementsByTagNameNS("urn:oasis:names:tc:SAML:2.0:assertion", "EncryptedAssertion")
      .item(0)!;
    const plaintext = await decryptElement(encrypted, [fx.privateKeys.sp]);
    expect(plaintext).toMatch(/<ds:KeyInfo>[\s\S]*_forged_admin[\s\S]*<\/ds:KeyInfo>/);
    expect(await codeOf(verifyXml(xml))).toBe("multiple_assertions");
  });

  it("the same layout unencrypted is multiple_assertions too", async () => {
    const xml = signed().replace("</ds:X509Data>", `</ds:X509Data>${FORGED}`);
    expect(await codeOf(verifyXml(xml))).toBe("multiple_assertions");
  });

  it("WebCrypto-encrypted: an EncryptedAssertion nested in the decrypted assertion is multiple_assertions", async () => {
    const { text } = assertionSpan(signed());
    const inner = await encryptAssertionWithWebCrypto(`<x>${FORGED}</x>`);
    const nestedEncrypted = /<saml:EncryptedAssertion>[\s\S]*<\/saml:EncryptedAssertion>/.exec(inner)![0];
    const plaintext = text.replace("</ds:X509Data>", `</ds:X509Data>${nestedEncrypted}`);
    const xml = await encryptAssertionWithWebCrypto(signed(), { plaintext });
    expect(await codeOf(verifyXml(xml))).toBe("multiple_assertions");
  });

  it("WebCrypto-encrypted: a second Assertion beside the signed one in the plaintext is multiple_assertions", async () => {
    const { text } = assertionSpan(signed());
    const xml = await encryptAssertionWithWebCrypto(signed(), { plaintext: `${text}${FORGED}` });
    expect(await codeOf(verifyXml(xml))).toBe("multiple_assertions");
    const before = await encryptAssertionWithWebCrypto(signed(), { plaintext: `${FORGED}${text}` });
    expect(await codeOf(verifyXml(before))).toBe("multiple_assertions");
  });

  it("WebCrypto-encrypted: an assertion in an Advice of the decrypted assertion is assertion_in_advice", async () => {
    const { text } = assertionSpan(signed());
    const advice = `<saml:Advice>${FORGED}</saml:Advice>`;
    const plaintext = text.replace("<saml:AuthnStatement", `${advice}<saml:AuthnStatement`);
    const xml = await encryptAssertionWithWebCrypto(signed(), { plaintext });
    // The Advice is inside the signed content: the digest would catch it, but the structure rule comes first.
    expect(await codeOf(verifyXml(xml))).toBe("assertion_in_advice");
  });

  it("WebCrypto-encrypted: the plaintext parses on its own (its own namespace declarations) and verifies", async () => {
    const { text } = assertionSpan(signed());
    const xml = await encryptAssertionWithWebCrypto(signed(), { plaintext: standalone(text) });
    expect(await codeOf(verifyXml(xml))).toBe("ok");
  });
});

describe("IDs are unique across the outer and the decrypted document", () => {
  const ASSERTION_ID = "_a1b2c3d4e5f60718293a4b5c6d7e8f90";

  it("xmlsec1-encrypted: a Response ID equal to the decrypted assertion's ID is duplicate_id", async () => {
    const xml = fx.responses["encrypted-aes256-cbc"]!;
    expect(xml).not.toContain(ASSERTION_ID);
    const attack = xml.replace(/(<samlp:Response[^>]* ID=")[^"]*"/, `$1${ASSERTION_ID}"`);
    expect(attack).toContain(ASSERTION_ID);
    expect(await codeOf(verifyXml(attack))).toBe("duplicate_id");
  });

  it("WebCrypto-encrypted: an outer decoy carrying an ID of the plaintext's Signature subtree is duplicate_id", async () => {
    const { text } = assertionSpan(signed());
    const plaintext = text.replace("<ds:KeyInfo>", '<ds:KeyInfo Id="_keyinfo_1">');
    const xml = await encryptAssertionWithWebCrypto(signed(), { plaintext });
    expect(await codeOf(verifyXml(xml))).toBe("ok");
    const decoy = xml.replace(
      "<samlp:Status>",
      '<samlp:Extensions><x:d xmlns:x="urn:x" ID="_keyinfo_1"/></samlp:Extensions><samlp:Status>',
    );
    expect(await codeOf(verifyXml(decoy))).toBe("duplicate_id");
  });

  it("an EncryptedID inside a decrypted assertion is checked against both documents' IDs", () => {
    const outer = new DOMParser().parseFromString(
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ${SAML_NS} ID="_r"><saml:EncryptedAssertion/></samlp:Response>`,
      "application/xml",
    );
    const context = outer.documentElement!.firstChild as Element;
    const assertion = parseDecrypted(
      '<saml:Assertion ID="_a"><saml:EncryptedID/></saml:Assertion>',
      context,
      { ns: NS.assertion, local: "Assertion" },
      new Set(["_r"]),
    );
    expect([...assertion.ids].sort()).toEqual(["_a", "_r"]);
    const nameId = (id: string) => () =>
      parseDecrypted(
        `<saml:NameID ID="${id}">a</saml:NameID>`,
        context,
        { ns: NS.assertion, local: "NameID" },
        assertion.ids,
      );
    expect(nameId("_n")).not.toThrow();
    for (const id of ["_a", "_r"]) expect(nameId(id)).toThrow(expect.objectContaining({ code: "duplicate_id" }));
  });
});

describe("the plaintext passes the input rules again (any failure is decryption_failed)", () => {
  it.each([
    ["a DOCTYPE", (a: string) => `<!DOCTYPE x>${a}`],
    ["malformed XML", (a: string) => a.slice(0, -5)],
    ["text beside the assertion", (a: string) => `${a}trailing`],
    ["a NUL character", (a: string) => `${a}\u0000`],
  ])("%s in the plaintext is decryption_failed", async (_name, change) => {
    const { text } = assertionSpan(signed());
    const xml = await encryptAssertionWithWebCrypto(signed(), { plaintext: change(text) });
    expect(await codeOf(verifyXml(xml))).toBe("decryption_failed");
  });
});
