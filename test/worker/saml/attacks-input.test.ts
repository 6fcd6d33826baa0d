import type { Element } from "@xmldom/xmldom";
import { describe, expect, it } from "vitest";
import { verifySamlResponse } from "../../../src/saml";
import { parseXml } from "../../../src/saml/parse-xml";
import { SamlError } from "../../../src/saml/saml-error";
import { b64, codeOf, edit, fx, NS, policy, verifyXml } from "./helpers";

/** SPEC §5 "input" and "structure": encoding, size, DTDs, IDs, where the assertion sits. */
describe("hostile input", () => {
  const signed = () => fx.responses["assertion-signed"]!;

  it("XXE: an external entity is doctype_forbidden before parsing", async () => {
    const attack = signed().replace(
      "<samlp:Response",
      '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<samlp:Response',
    );
    expect(await codeOf(verifyXml(attack))).toBe("doctype_forbidden");
  });

  it("entity expansion (billion laughs) is doctype_forbidden", async () => {
    const lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>';
    const attack = signed().replace("<samlp:Response", `${lol}\n<samlp:Response`).replace(fx.nameId, "&lol2;");
    expect(await codeOf(verifyXml(attack))).toBe("doctype_forbidden");
  });

  it("more than 256 KiB of XML is too_large", async () => {
    const attack = signed().replace("<samlp:Status>", `<!--${"x".repeat(256 * 1024)}--><samlp:Status>`);
    expect(await codeOf(verifyXml(attack))).toBe("too_large");
  });

  it("more than 5,000 elements is too_large", async () => {
    const many = "<samlp:Extensions>" + '<x:e xmlns:x="urn:x"/>'.repeat(5001) + "</samlp:Extensions>";
    expect(await codeOf(verifyXml(signed().replace("<samlp:Status>", `${many}<samlp:Status>`)))).toBe("too_large");
  });

  it("an element with thousands of namespace declarations is too_large (canonicalization cost)", async () => {
    const decls = Array.from({ length: 5000 }, (_, i) => ` xmlns:p${i}="urn:p${i}"`).join("");
    const attack = signed().replace("<samlp:Response", `<samlp:Response${decls}`);
    expect(await codeOf(verifyXml(attack))).toBe("too_large");
  });

  it("an InclusiveNamespaces PrefixList of thousands of prefixes is unsupported_transform, before any canonicalization", async () => {
    const prefixes = Array.from({ length: 5000 }, (_, i) => `p${i}`).join(" ");
    const list = `<ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="${prefixes}"/>`;
    const attack = signed().replace(
      /(<ds:Transform Algorithm="http:\/\/www\.w3\.org\/2001\/10\/xml-exc-c14n#")\s*(\/>|>(<\/ds:Transform>)?)/,
      `$1>${list}</ds:Transform>`,
    );
    expect(attack).toContain("PrefixList");
    expect(await codeOf(verifyXml(attack))).toBe("unsupported_transform");
  });

  it("nesting deeper than 64 is too_deep", async () => {
    const deep = '<x:e xmlns:x="urn:x">'.repeat(70) + "</x:e>".repeat(70);
    const attack = signed().replace("<samlp:Status>", `<samlp:Extensions>${deep}</samlp:Extensions><samlp:Status>`);
    expect(await codeOf(verifyXml(attack))).toBe("too_deep");
  });

  it("base64 with characters outside the alphabet is bad_encoding (not silently skipped)", async () => {
    const encoded = b64(signed());
    const tampered = `${encoded.slice(0, 100)}*${encoded.slice(100)}`;
    const result = await verifySamlResponse({
      samlResponse: tampered,
      connection: policy(),
      expectedRequestId: fx.requestId,
      now: new Date(fx.now),
    });
    expect(result.ok ? "ok" : result.error.code).toBe("bad_encoding");
  });

  it("line-wrapped base64 is accepted; bad padding is bad_encoding", async () => {
    const encoded = b64(signed()).replace(/(.{76})/g, "$1\r\n");
    const ok = await verifySamlResponse({
      samlResponse: encoded,
      connection: policy(),
      expectedRequestId: fx.requestId,
      now: new Date(fx.now),
    });
    expect(ok.ok).toBe(true);
    const bad = await verifySamlResponse({
      samlResponse: `${b64(signed())}=`,
      connection: policy(),
      now: new Date(fx.now),
    });
    expect(bad.ok ? "ok" : bad.error.code).toBe("bad_encoding");
  });

  it("invalid UTF-8 is bad_encoding", async () => {
    const bytes = new TextEncoder().encode(signed());
    bytes[bytes.indexOf(0x61, 200)] = 0xc3; // a lone lead byte
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    const result = await verifySamlResponse({
      samlResponse: btoa(binary),
      connection: policy(),
      now: new Date(fx.now),
    });
    expect(result.ok ? "ok" : result.error.code).toBe("bad_encoding");
  });

  it("malformed XML is malformed_xml", async () => {
    expect(await codeOf(verifyXml(signed().replace("</samlp:Response>", "")))).toBe("malformed_xml");
    expect(await codeOf(verifyXml('<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"/>'))).toBe(
      "malformed_xml",
    );
  });

  it("names what is malformed once, in the parser's words", () => {
    const detailOf = (xml: string) => {
      try {
        parseXml(xml);
      } catch (error) {
        return error instanceof SamlError ? `${error.code}: ${error.detail}` : String(error);
      }
      return "parsed";
    };
    expect(detailOf("")).toBe("malformed_xml: fatalError: missing root element");
    expect(detailOf("<a><b></a>")).toMatch(/^malformed_xml: fatalError: [^:]*mismatch/);
  });

  it("duplicate IDs anywhere, Signature subtrees included, are duplicate_id", async () => {
    const inExtensions = edit(signed(), (doc, find) => {
      const extensions = doc.createElementNS(NS.protocol, "samlp:Extensions");
      const decoy = doc.createElementNS("urn:x", "x:decoy");
      decoy.setAttribute("ID", find("assertion", "Assertion").getAttribute("ID")!);
      extensions.appendChild(decoy);
      doc.documentElement!.insertBefore(extensions, find("protocol", "Status"));
    });
    expect(await codeOf(verifyXml(inExtensions))).toBe("duplicate_id");
    const inKeyInfo = edit(signed(), (_doc, find) => {
      find("dsig", "KeyInfo").setAttribute("Id", find("assertion", "Assertion").getAttribute("ID")!);
    });
    expect(await codeOf(verifyXml(inKeyInfo))).toBe("duplicate_id");
  });

  it("two assertions are multiple_assertions", async () => {
    const attack = edit(signed(), (doc, find) => {
      const copy = find("assertion", "Assertion").cloneNode(true) as Element;
      copy.setAttribute("ID", "_second");
      doc.documentElement!.appendChild(copy);
    });
    expect(await codeOf(verifyXml(attack))).toBe("multiple_assertions");
  });

  it("an assertion inside Advice is assertion_in_advice", async () => {
    const attack = edit(signed(), (doc, find) => {
      const original = find("assertion", "Assertion");
      const advice = doc.createElementNS(NS.assertion, "saml:Advice");
      const inner = original.cloneNode(true) as Element;
      inner.setAttribute("ID", "_advised");
      advice.appendChild(inner);
      original.insertBefore(advice, find("assertion", "AuthnStatement"));
    });
    expect(await codeOf(verifyXml(attack))).toBe("assertion_in_advice");
  });

  it("no assertion is no_assertion", async () => {
    const attack = edit(signed(), (doc, find) => {
      doc.documentElement!.removeChild(find("assertion", "Assertion"));
    });
    expect(await codeOf(verifyXml(attack))).toBe("no_assertion");
  });

  it("a non-success Status reports the IdP's codes and message", async () => {
    const xml =
      `<samlp:Response xmlns:samlp="${NS.protocol}" ID="_fail" Version="2.0" IssueInstant="2030-01-01T00:00:00Z">` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">` +
      `<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode>` +
      `<samlp:StatusMessage>User is not assigned to this application</samlp:StatusMessage></samlp:Status></samlp:Response>`;
    const result = await verifyXml(xml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("status_not_success");
    expect(result.error.status).toEqual({
      statusCode: "urn:oasis:names:tc:SAML:2.0:status:Responder",
      subStatusCode: "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed",
      statusMessage: "User is not assigned to this application",
    });
  });
});
