import { describe, expect, it } from "vitest";
import { decodeBase64, decodeBase64url, encodeBase64, encodeBase64url } from "../../../src/lib/base64";

const bytes = (s: string) => new TextEncoder().encode(s);

/** RFC 4648 §10 test vectors. */
const VECTORS: Array<[string, string]> = [
  ["", ""],
  ["f", "Zg=="],
  ["fo", "Zm8="],
  ["foo", "Zm9v"],
  ["foob", "Zm9vYg=="],
  ["fooba", "Zm9vYmE="],
  ["foobar", "Zm9vYmFy"],
];

describe("lib/base64", () => {
  it.each(VECTORS)("encodes %j as %j (RFC 4648 §10)", (plain, encoded) => {
    expect(encodeBase64(bytes(plain))).toBe(encoded);
    expect(encodeBase64url(bytes(plain))).toBe(encoded.replace(/=+$/, ""));
  });

  it.each(VECTORS.filter(([plain]) => plain !== ""))("decodes %j from %j, padded or not", (plain, encoded) => {
    expect(decodeBase64(encoded)).toEqual(bytes(plain));
    expect(decodeBase64(encoded.replace(/=+$/, ""))).toEqual(bytes(plain));
    expect(decodeBase64url(encoded.replace(/=+$/, ""))).toEqual(bytes(plain));
  });

  it("uses the URL alphabet for base64url and the standard one for base64", () => {
    const raw = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(encodeBase64(raw)).toBe("+/+/");
    expect(encodeBase64url(raw)).toBe("-_-_");
    expect(decodeBase64url("-_-_")).toEqual(raw);
    expect(decodeBase64url("+/+/")).toBeNull();
    expect(decodeBase64("-_-_")).toBeNull();
  });

  it("strips line wraps before decoding standard base64 (PEM, metadata, pasted secrets)", () => {
    expect(decodeBase64(" Zm9v\r\nYmFy\n")).toEqual(bytes("foobar"));
  });

  it("refuses what is not base64", () => {
    for (const bad of ["", "Z", "Zm9v!", "Zm=9", "Zg===", "Zm9vY"]) expect(decodeBase64(bad)).toBeNull();
    for (const bad of ["Z", "Zm 9v", "Zm9v!"]) expect(decodeBase64url(bad)).toBeNull();
  });

  it("round-trips every byte value, beyond one 32 KiB chunk", () => {
    const raw = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    expect(decodeBase64(encodeBase64(raw))).toEqual(raw);
    expect(decodeBase64url(encodeBase64url(raw))).toEqual(raw);
  });
});
