import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64, decodeUtf8Strict } from "../../../src/saml/base64";

/*
 * decodeBase64 validates by re-encoding with Buffer and falls back to the full strict
 * check (src/saml/base64.ts). Property: it accepts exactly the strict base64 of RFC 4648
 * §4 (whitespace aside) and decodes it as atob does. decodeUtf8Strict: exactly UTF-8
 * that decodes without error into XML characters.
 */
const STRICT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const atobBytes = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

const base64ish = fc
  .array(fc.constantFrom(..."ABCQRZaz09+/=", "-", "_", "*", " ", "\n", "\t", "é", "\u0000"), { maxLength: 40 })
  .map((cs) => cs.join(""));
const canonical = fc.uint8Array({ maxLength: 40 }).map((bytes) => btoa(String.fromCharCode(...bytes)));

describe("decodeBase64", () => {
  it("accepts exactly strict base64 and decodes it as atob does", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          base64ish,
          canonical,
          canonical.map((t) => t.replace(/(.{4})/g, "$1\n")),
        ),
        (text) => {
          const compact = text.replace(/[\t\n\r ]+/g, "");
          const valid = compact.length % 4 === 0 && STRICT.test(compact);
          const decoded = decodeBase64(text);
          expect(decoded !== null, JSON.stringify(text)).toBe(valid);
          if (decoded) expect(decoded).toEqual(atobBytes(compact));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each([
    ["non-zero padding bits, accepted as before", "QR==", [0x41]],
    ["the same, one pad", "QUJ=", [0x41, 0x42]],
    ["line-wrapped", "QUJD\nREVG\r\n", [0x41, 0x42, 0x43, 0x44, 0x45, 0x46]],
    ["empty", "", []],
  ])("%s", (_, text, bytes) => {
    expect(decodeBase64(text)).toEqual(Uint8Array.from(bytes));
  });

  it.each(["QUJD*", "QU*D", "QUJD=", "QQ===", "====", "QUJ", "QU-D", "QU_D", "Q=JD", "QUJDé==="])(
    "refuses %j",
    (text) => {
      expect(decodeBase64(text)).toBeNull();
    },
  );
});

describe("decodeUtf8Strict", () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  it.each([
    ["ASCII", utf8("<a>x</a>"), "<a>x</a>"],
    ["UTF-8", utf8("<a>é€😀</a>"), "<a>é€😀</a>"],
    ["a BOM, dropped", Uint8Array.from([0xef, 0xbb, 0xbf, 0x3c]), "<"],
    ["tab, LF, CR, DEL", utf8("\t\n\r\u007f"), "\t\n\r\u007f"],
  ])("decodes %s", (_, bytes, text) => {
    expect(decodeUtf8Strict(bytes)).toBe(text);
  });

  it.each([
    ["a NUL byte", Uint8Array.from([0x3c, 0x00])],
    ["a C0 control", Uint8Array.from([0x3c, 0x0b])],
    ["U+FFFE", utf8("\uFFFE")],
    ["U+FFFF", utf8("\uFFFF")],
    ["an invalid sequence", Uint8Array.from([0x3c, 0xc3])],
    ["an overlong encoding", Uint8Array.from([0xc0, 0xbc])],
    ["a lone surrogate", Uint8Array.from([0xed, 0xa0, 0x80])],
  ])("refuses %s", (_, bytes) => {
    expect(decodeUtf8Strict(bytes)).toBeNull();
  });
});
