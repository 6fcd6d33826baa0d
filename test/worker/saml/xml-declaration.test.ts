import { describe, expect, it } from "vitest";
import { assertionSpan, codeOf, encryptAssertionWithWebCrypto, fx, verifyXml } from "./helpers";

/*
 * SPEC §5 "input": UTF-8 strictly, and an XML declaration may name no other encoding;
 * XML 1.0 as libxml2 reads it. (test/node/saml/xml-differential.test.ts compares these
 * verdicts with xmlsec1's.)
 */
const signed = () => fx.responses["assertion-signed"]!;
const withExtension = (content: string) =>
  signed().replace("<samlp:Status>", `<samlp:Extensions>${content}</samlp:Extensions><samlp:Status>`);
const declared = (declaration: string) => signed().replace(/^<\?xml[^>]*\?>/, declaration);

describe("the XML declaration", () => {
  it("xmlsec1's fixtures carry one naming UTF-8", () => {
    expect(signed()).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
  });

  it.each([
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<?xml version="1.0" encoding="utf-8"?>',
    "<?xml version='1.0' encoding='Utf-8'?>",
    '<?xml version="1.0"?>',
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
    "",
  ])("%j is accepted", async (declaration) => {
    expect(await codeOf(verifyXml(declared(declaration)))).toBe("ok");
  });

  it.each(["ISO-8859-1", "UTF-16", "US-ASCII", "UTF8", "utf-16le", "windows-1252", ""])(
    "encoding %j is bad_encoding",
    async (encoding) => {
      const xml = declared(`<?xml version="1.0" encoding="${encoding}"?>`);
      expect(await codeOf(verifyXml(xml))).toBe("bad_encoding");
    },
  );

  it("single-quoted encodings are read too", async () => {
    expect(await codeOf(verifyXml(declared("<?xml version='1.0' encoding='ISO-8859-1'?>")))).toBe("bad_encoding");
  });

  it("XML 1.1 (other line ends, other characters) is malformed_xml", async () => {
    expect(await codeOf(verifyXml(declared('<?xml version="1.1" encoding="UTF-8"?>')))).toBe("malformed_xml");
  });

  it("a declaration anywhere but at the start is malformed_xml", async () => {
    const xml = signed().replace("<samlp:Status>", '<?xml version="1.0" encoding="ISO-8859-1"?><samlp:Status>');
    expect(await codeOf(verifyXml(xml))).toBe("malformed_xml");
  });

  it("a decrypted plaintext naming another encoding is decryption_failed", async () => {
    const { text } = assertionSpan(signed());
    const ok = await encryptAssertionWithWebCrypto(signed(), {
      plaintext: `<?xml version="1.0" encoding="UTF-8"?>${text}`,
    });
    expect(await codeOf(verifyXml(ok))).toBe("ok");
    const latin1 = await encryptAssertionWithWebCrypto(signed(), {
      plaintext: `<?xml version="1.0" encoding="ISO-8859-1"?>${text}`,
    });
    expect(await codeOf(verifyXml(latin1))).toBe("decryption_failed");
  });
});

describe("characters XML 1.0 allows", () => {
  it.each(["&#1;", "&#x1F;", "&#0;", "&#xFFFE;", "&#xD800;", "&#x110000;"])(
    "a character reference %s to a character XML 1.0 forbids is malformed_xml",
    async (reference) => {
      const xml = withExtension(`<x:e xmlns:x="urn:x">${reference}</x:e>`);
      expect(await codeOf(verifyXml(xml))).toBe("malformed_xml");
    },
  );

  it.each(["&#9;", "&#xA;", "&#xD;", "&#x85;", "&#x2028;", "&#x1F600;"])(
    "a character reference %s to an allowed character parses",
    async (reference) => {
      const xml = withExtension(`<x:e xmlns:x="urn:x">${reference}</x:e>`);
      expect(await codeOf(verifyXml(xml))).toBe("ok");
    },
  );
});
