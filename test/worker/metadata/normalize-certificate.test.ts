import { describe, expect, it } from "vitest";
import { certificateInfo, normalizeCertificate } from "../../../src/saml/metadata/normalize-certificate";
import okta from "../../fixtures/idp-metadata/okta.xml?raw";

/** Okta's signing certificate as it appears in its metadata: base64 wrapped with indentation. */
const OKTA_BASE64 = /X509Certificate>([^<]+)</.exec(okta)?.[1] ?? "";
const OKTA_FLAT = OKTA_BASE64.replace(/\s+/g, "");
const OKTA_SHA256 = "21d5e6ffd3607d88bd8eee5f979fcbe9c3a308bfe8e442a44136ab60b9216bcf";

function lines(base64: string, width: number): string[] {
  return base64.match(new RegExp(`.{1,${width}}`, "g")) ?? [];
}

function pem(eol: string, width = 64): string {
  return ["-----BEGIN CERTIFICATE-----", ...lines(OKTA_FLAT, width), "-----END CERTIFICATE-----", ""].join(eol);
}

const CANONICAL = pem("\n");

describe("normalizeCertificate", () => {
  it.each([
    ["PEM with LF", pem("\n")],
    ["PEM with CRLF", pem("\r\n")],
    ["PEM with CR", pem("\r")],
    ["PEM with 76-character lines", pem("\n", 76)],
    ["PEM with surrounding whitespace", `\n\n  ${pem("\r\n")}  \n`],
    ["one-line PEM", `-----BEGIN CERTIFICATE-----${OKTA_FLAT}-----END CERTIFICATE-----`],
    ["one-line PEM with spaces", `-----BEGIN CERTIFICATE----- ${OKTA_FLAT} -----END CERTIFICATE-----`],
    ["JSON-escaped PEM", pem("\\n")],
    ["bare base64 DER", OKTA_FLAT],
    ["wrapped base64 DER as in metadata", OKTA_BASE64],
    ["base64 DER without padding", OKTA_FLAT.replace(/=+$/, "")],
    ["base64 of a PEM file", btoa(pem("\n"))],
    ["base64 of a CRLF PEM file, wrapped", lines(btoa(pem("\r\n")), 76).join("\r\n")],
    ["PEM with a leading BOM", `\uFEFF${pem("\n")}`],
  ])("accepts %s", (_name, input) => {
    const result = normalizeCertificate(input);
    expect(result).toMatchObject({ ok: true, pem: CANONICAL });
    if (!result.ok) return;
    expect(result.der[0]).toBe(0x30);
    expect(result.pem.split("\n").every((line) => line.length <= 64)).toBe(true);
  });

  it("is idempotent", () => {
    const once = normalizeCertificate(pem("\r\n"));
    expect(once.ok && normalizeCertificate(once.pem)).toMatchObject({ ok: true, pem: CANONICAL });
  });

  it.each([
    ["empty input", "", /empty/],
    ["whitespace", " \r\n\t", /empty/],
    ["plain text", "hello, world", /neither PEM nor base64/],
    ["base64 that is not DER", btoa("definitely not a certificate"), /not an X\.509 certificate/],
    ["truncated DER", OKTA_FLAT.slice(0, 400), /not an X\.509 certificate/],
    ["DER with trailing bytes", btoa(atob(OKTA_FLAT) + "\x00\x01"), /trailing data/],
    [
      "a private key PEM",
      "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----",
      /PRIVATE KEY block, not a CERTIFICATE/,
    ],
    ["PEM without END", `-----BEGIN CERTIFICATE-----\n${OKTA_FLAT}\n`, /without a matching END/],
    ["two certificates", pem("\n") + pem("\n"), /several certificates/],
    ["PEM with a garbage body", "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----", /not base64/],
    [
      "PEM whose body is not a certificate",
      `-----BEGIN CERTIFICATE-----\n${btoa("x".repeat(90))}\n-----END CERTIFICATE-----`,
      /not an X\.509/,
    ],
    ["an oversized input", "A".repeat(70_000), /longer than/],
  ])("rejects %s with a reason", (_name, input, reason) => {
    const result = normalizeCertificate(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("certificateInfo", () => {
  it("reports subject, validity and SHA-256 fingerprint (checked with openssl)", async () => {
    const info = await certificateInfo(OKTA_BASE64);
    expect(info.subject).toContain("CN=trial-1022863");
    expect(info.subject).toContain("O=Okta");
    expect(info.notBefore.toISOString()).toBe("2024-04-25T20:30:02.000Z");
    expect(info.notAfter.toISOString()).toBe("2034-04-25T20:31:02.000Z");
    expect(info.fingerprintSha256).toBe(OKTA_SHA256);
  });

  it("throws on a non-certificate", async () => {
    await expect(certificateInfo("nope")).rejects.toThrow(TypeError);
  });
});
