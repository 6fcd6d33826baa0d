import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { verifySamlResponse } from "../../../src/saml";
import { responseXml } from "../../fixtures/saml/templates";
import { policy } from "../../worker/saml/helpers";

/*
 * SPEC §5 "one parser": the SP must read the bytes the IdP signed the way libxml2 (and so
 * xmlsec1, and most IdPs) reads them. Each case is signed by xmlsec1, optionally altered
 * as an attacker would, then judged by `xmlsec1 --verify` and by our verifier: the
 * verdicts must agree. xmldom on its own reads U+0085, U+2028 and U+2029 as line feeds
 * (XML 1.1), so a signed LF could be replaced by one of them unnoticed, and a genuinely
 * signed one was refused.
 */
const fx = inject("samlFixtures");
const dir = join(fx.dir, "differential");
mkdirSync(dir, { recursive: true });

const ID_ATTRS = ["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"];
const ASSERTION_SIGNATURE = "//*[local-name()='Assertion']/*[local-name()='Signature']";
let counter = 0;

function xmlsec1(args: string[]): boolean {
  try {
    execFileSync("xmlsec1", args, { stdio: ["ignore", "pipe", "pipe"] });
    return true;
  } catch {
    return false;
  }
}

/** The fixture Response with `firstName` holding `value`, its assertion signed by xmlsec1. */
function signedWithFirstName(value: string): string {
  const file = join(dir, `signed-${++counter}.xml`);
  writeFileSync(file, responseXml({}).replace(">Alice<", `>${value}<`));
  const key = `${join(fx.dir, "idp.key")},${join(fx.dir, "idp.crt")}`;
  const signed = ["--sign", ...ID_ATTRS, "--privkey-pem", key, "--node-xpath", ASSERTION_SIGNATURE];
  expect(xmlsec1([...signed, "--output", file, file])).toBe(true);
  return execFileSync("cat", [file]).toString("utf8");
}

/** `xmlsec1 --verify` of the assertion's signature with the IdP certificate. */
function xmlsec1Accepts(xml: string): boolean {
  const file = join(dir, `verify-${++counter}.xml`);
  writeFileSync(file, xml);
  const cert = join(fx.dir, "idp.crt");
  return xmlsec1(["--verify", ...ID_ATTRS, "--pubkey-cert-pem", cert, "--node-xpath", ASSERTION_SIGNATURE, file]);
}

async function ours(xml: string) {
  return verifySamlResponse({
    samlResponse: Buffer.from(xml, "utf8").toString("base64"),
    connection: policy({ idpCertificates: [fx.certificates.idp] }),
    expectedRequestId: fx.requestId,
    now: new Date(fx.now),
  });
}

/** Both verdicts, and what we read as firstName when we accept. */
async function judge(xml: string) {
  const result = await ours(xml);
  return {
    xmlsec1: xmlsec1Accepts(xml),
    ours: result.ok ? "ok" : result.error.code,
    firstName: result.ok ? result.value.attributes.firstName?.[0] : undefined,
  };
}

const UNICODE_LINE_ENDS = [
  ["U+0085 (NEL)", "\u0085"],
  ["U+2028 (LINE SEPARATOR)", "\u2028"],
  ["U+2029 (PARAGRAPH SEPARATOR)", "\u2029"],
] as const;

describe("line ends: our verdict is xmlsec1's", () => {
  it.each(UNICODE_LINE_ENDS)("%s signed by the IdP: both accept, and we read it as itself", async (_name, char) => {
    const verdict = await judge(signedWithFirstName(`Ali${char}ce`));
    expect(verdict).toEqual({ xmlsec1: true, ours: "ok", firstName: `Ali${char}ce` });
  });

  it.each(UNICODE_LINE_ENDS)("a signed LF replaced by %s: both refuse", async (_name, char) => {
    const attack = signedWithFirstName("Ali\nce").replace("Ali\nce", `Ali${char}ce`);
    expect(await judge(attack)).toEqual({ xmlsec1: false, ours: "digest_mismatch", firstName: undefined });
  });

  it.each(UNICODE_LINE_ENDS)("a signed %s replaced by LF: both refuse", async (_name, char) => {
    const attack = signedWithFirstName(`Ali${char}ce`).replace(`Ali${char}ce`, "Ali\nce");
    expect(await judge(attack)).toEqual({ xmlsec1: false, ours: "digest_mismatch", firstName: undefined });
  });

  it.each([
    ["CRLF", "\r\n"],
    ["a lone CR", "\r"],
  ])("a signed LF sent as %s: both accept, as LF (XML 1.0 §2.11)", async (_name, lineEnd) => {
    const sent = signedWithFirstName("Ali\nce").replace("Ali\nce", `Ali${lineEnd}ce`);
    expect(await judge(sent)).toEqual({ xmlsec1: true, ours: "ok", firstName: "Ali\nce" });
  });

  it("CR before U+0085 is LF then U+0085, not one line end (XML 1.1 would fold them): both refuse it for a signed LF", async () => {
    const attack = signedWithFirstName("Ali\nce").replace("Ali\nce", "Ali\r\u0085ce");
    expect(await judge(attack)).toEqual({ xmlsec1: false, ours: "digest_mismatch", firstName: undefined });
  });
});

describe("declared encodings: our verdict is xmlsec1's", () => {
  it("a signed UTF-8 response: both accept", async () => {
    expect(await judge(signedWithFirstName("Aliçe"))).toEqual({ xmlsec1: true, ours: "ok", firstName: "Aliçe" });
  });

  it.each(["ISO-8859-1", "US-ASCII", "windows-1252"])(
    "the declaration changed to %s on UTF-8 bytes: both refuse",
    async (encoding) => {
      const signed = signedWithFirstName("Aliçe");
      const attack = signed.replace('encoding="UTF-8"', `encoding="${encoding}"`);
      expect(attack).toContain(encoding);
      const verdict = await judge(attack);
      expect(verdict.xmlsec1).toBe(false);
      expect(verdict.ours).toBe("bad_encoding");
    },
  );
});
