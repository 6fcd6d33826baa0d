import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";

/*
 * The verifier CLI (SPEC §8) run as users run it: Node 24 on bin/edge-sso.mjs, against
 * responses xmlsec1 signed and encrypted at test setup, and the ssoready corpus.
 */
const fx = inject("samlFixtures");
const run = promisify(execFile);
const BIN = resolve(__dirname, "../../../bin/edge-sso.mjs");
const CORPUS = resolve(__dirname, "../../fixtures/saml-corpus/ssoready");

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  json?: Record<string, any>;
}

/** The one JSON line a verification prints; undefined for usage text. */
const jsonOf = (stdout: string) => (stdout.startsWith("{") ? JSON.parse(stdout) : undefined);

async function cli(...args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr, json: jsonOf(stdout) };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, json: jsonOf(e.stdout) };
  }
}

const response = (name: string) => join(fx.dir, "responses", `${name}.xml`);
const base = () => [
  "saml",
  "verify",
  "--metadata",
  join(fx.dir, "idp-metadata.xml"),
  "--sp-entity-id",
  fx.spEntityId,
  "--acs-url",
  fx.acsUrl,
  "--now",
  fx.now,
];

describe("edge-sso saml verify", () => {
  it("prints one JSON line with the profile and exits 0", async () => {
    const out = await cli(...base(), "--request-id", fx.requestId, response("assertion-signed"));
    expect(out.code).toBe(0);
    expect(out.stdout.trim().split("\n")).toHaveLength(1);
    expect(out.json).toMatchObject({
      ok: true,
      profile: {
        nameId: fx.nameId,
        email: fx.nameId,
        attributes: { email: [fx.nameId], firstName: ["Alice"], groups: ["engineering", "admins"] },
        assertionId: "_a1b2c3d4e5f60718293a4b5c6d7e8f90",
        issuer: fx.idpEntityId,
      },
    });
  });

  it("reads base64 files and --cert with --idp-entity-id", async () => {
    const file = join(fx.dir, "assertion-signed.b64");
    writeFileSync(
      file,
      Buffer.from(fx.responses["assertion-signed"]!)
        .toString("base64")
        .replace(/(.{64})/g, "$1\n"),
    );
    const args = [
      "saml",
      "verify",
      "--cert",
      join(fx.dir, "idp.crt"),
      "--idp-entity-id",
      fx.idpEntityId,
      "--sp-entity-id",
      fx.spEntityId,
      "--acs-url",
      fx.acsUrl,
      "--now",
      fx.now,
      "--request-id",
      fx.requestId,
      file,
    ];
    expect((await cli(...args)).json).toMatchObject({ ok: true, profile: { nameId: fx.nameId } });
    const wrongIdp = args.map((a) => (a === fx.idpEntityId ? "https://other.test" : a));
    expect((await cli(...wrongIdp)).json).toMatchObject({ ok: false, code: "issuer_mismatch" });
  });

  it("rejects with exit 1 and a SPEC §5 code", async () => {
    const out = await cli(...base(), "--request-id", fx.requestId, response("rogue-signed"));
    expect(out.code).toBe(1);
    expect(out.json).toEqual({ ok: false, code: "untrusted_certificate", detail: expect.any(String) });
  });

  it("decrypts with --decryption-key", async () => {
    const key = ["--decryption-key", join(fx.dir, "sp.key")];
    const ok = await cli(...base(), "--request-id", fx.requestId, ...key, response("encrypted-aes256-cbc"));
    expect(ok.json).toMatchObject({ ok: true, profile: { nameId: fx.nameId } });
    const failed = await cli(...base(), "--request-id", fx.requestId, response("encrypted-aes128-gcm"));
    expect(failed.json).toMatchObject({ ok: false, code: "decryption_failed" });
  });

  it("checks --acs-url unless --skip-destination-check", async () => {
    const args = base().map((a) => (a === fx.acsUrl ? "https://elsewhere.test/acs" : a));
    expect((await cli(...args, "--request-id", fx.requestId, response("assertion-signed"))).json).toMatchObject({
      code: "destination_mismatch",
    });
    const skipped = await cli(
      ...args,
      "--skip-destination-check",
      "--request-id",
      fx.requestId,
      response("assertion-signed"),
    );
    expect(skipped.code).toBe(0);
  });

  it("combines --request-id and --allow-idp-initiated as SPEC §8 says", async () => {
    const solicited = response("assertion-signed");
    const unsolicited = response("unsolicited");
    const codeOf = async (...args: string[]) => (await cli(...base(), ...args)).json?.code ?? "ok";
    expect(await codeOf("--request-id", "_other", solicited)).toBe("in_response_to_mismatch");
    expect(await codeOf(solicited)).toBe("in_response_to_mismatch");
    expect(await codeOf("--allow-idp-initiated", solicited)).toBe("in_response_to_mismatch");
    expect(await codeOf(unsolicited)).toBe("unsolicited");
    expect(await codeOf("--allow-idp-initiated", unsolicited)).toBe("ok");
    expect(await codeOf("--request-id", fx.requestId, unsolicited)).toBe("in_response_to_missing");
    expect(await codeOf("--request-id", fx.requestId, "--allow-idp-initiated", unsolicited)).toBe("ok");
  });

  it("takes SHA-1 only with --allow-sha1", async () => {
    const args = [...base(), "--request-id", fx.requestId];
    expect((await cli(...args, response("rsa-sha1-signed"))).json).toMatchObject({ code: "unsupported_algorithm" });
    expect((await cli(...args, "--allow-sha1", response("rsa-sha1-signed"))).code).toBe(0);
  });

  it("uses the current time without --now, and says --now would change it", async () => {
    const args = base().filter((a) => a !== "--now" && a !== fx.now);
    const out = await cli(...args, "--request-id", fx.requestId, response("assertion-signed"));
    expect(out.json).toMatchObject({ code: "not_yet_valid", detail: expect.stringContaining("--now") });
  });

  it("an expired response's detail names --now", async () => {
    const late = base().map((a) => (a === fx.now ? "2031-01-01T00:00:00Z" : a));
    const out = await cli(...late, "--request-id", fx.requestId, response("assertion-signed"));
    expect(out.json).toMatchObject({ code: "expired", detail: expect.stringContaining("--now ISO-8601") });
  });

  it("signs as a connection: --no-want-assertions-signed and --want-response-signed (SPEC §8)", async () => {
    const args = [...base(), "--request-id", fx.requestId];
    const responseOnly = await cli(...args, response("response-signed"));
    expect(responseOnly.json).toMatchObject({
      code: "unsigned",
      detail: expect.stringContaining("--no-want-assertions-signed would accept it"),
    });
    const accepted = await cli(...args, "--no-want-assertions-signed", response("response-signed"));
    expect(accepted.code).toBe(0);
    const assertionOnly = await cli(...args, "--want-response-signed", response("assertion-signed"));
    expect(assertionOnly.json).toMatchObject({
      code: "unsigned",
      detail: expect.stringContaining("without --want-response-signed would accept it"),
    });
    expect((await cli(...args, "--want-response-signed", response("both-signed"))).code).toBe(0);
    const neither = await cli(...args, "--no-want-assertions-signed", response("encrypted-unsigned"));
    expect(neither.json).toMatchObject({ ok: false });
  });

  it("a rejection names the flags that would change it, and only those", async () => {
    const unsolicited = await cli(...base(), response("unsolicited"));
    expect(unsolicited.json).toMatchObject({ code: "unsolicited" });
    expect(unsolicited.json!.detail).toContain("--request-id");
    expect(unsolicited.json!.detail).toContain("--allow-idp-initiated would accept it");
    const missing = await cli(...base(), "--request-id", fx.requestId, response("unsolicited"));
    expect(missing.json).toMatchObject({ code: "in_response_to_missing" });
    expect(missing.json!.detail).toContain("--allow-idp-initiated would accept it");
    const sha1 = await cli(...base(), "--request-id", fx.requestId, response("rsa-sha1-signed"));
    expect(sha1.json!.detail).toContain("--allow-sha1 would accept it");
    expect(sha1.json!.detail).not.toContain("--allow-idp-initiated");
    const elsewhere = base().map((a) => (a === fx.acsUrl ? "https://elsewhere.test/acs" : a));
    const destination = await cli(...elsewhere, "--request-id", fx.requestId, response("assertion-signed"));
    expect(destination.json!.detail).toContain("--skip-destination-check would accept it");
    const rogue = await cli(...base(), "--request-id", fx.requestId, response("rogue-signed"));
    expect(rogue.json!.detail).not.toMatch(/would accept it|gets past this/);
  });

  it.each([[["--help"]], [["-h"]], [["saml", "verify", "--help"]], [["saml", "verify", "-h"]]])(
    "%j prints usage and exits 0",
    async (args: string[]) => {
      const out = await cli(...args);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain("usage: edge-sso");
      expect(out.stdout).toContain("--no-want-assertions-signed");
      expect(out.stdout).toContain("--want-response-signed");
    },
  );

  it("verifies the ssoready corpus", async () => {
    const okta = join(CORPUS, "assertions/okta");
    const args = [
      "saml",
      "verify",
      "--metadata",
      join(okta, "metadata.xml"),
      "--sp-entity-id",
      "http://localhost:8080",
      "--acs-url",
      "http://localhost:8080",
      "--allow-idp-initiated",
    ];
    expect((await cli(...args, "--now", "2024-04-25T20:31:55.494Z", join(okta, "assertion.xml"))).code).toBe(0);
    const late = join(CORPUS, "bad-assertions/bad-assertion-expired-late");
    expect((await cli(...args, "--now", "2025-04-25T20:31:55.494Z", join(late, "assertion.xml"))).json).toMatchObject({
      code: "expired",
    });
  });

  it.each([
    [[]],
    [["saml", "verify"]],
    [["saml", "frobnicate"]],
    [["saml", "verify", "--metadata", "m.xml", "--cert", "c.pem", "--sp-entity-id", "a", "--acs-url", "b", "r.xml"]],
    [["saml", "verify", "--cert", "c.pem", "--acs-url", "b", "r.xml"]],
    [["saml", "verify", "--cert", "c.pem", "--sp-entity-id", "a", "--acs-url", "b", "--now", "yesterday", "r.xml"]],
    [["saml", "verify", "--cert", "c.pem", "--sp-entity-id", "a", "--acs-url", "b", "--bogus", "r.xml"]],
    [["saml", "verify", "--cert", "c.pem", "--sp-entity-id", "a", "--acs-url", "b"]],
    [["saml", "verify", "--cert", "/nonexistent.pem", "--sp-entity-id", "a", "--acs-url", "b", "r.xml"]],
  ])("exits 2 on bad usage: %j", async (args) => {
    const out = await cli(...args);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(/usage|edge-sso/);
  });

  it("exits 2 for a decryption key that is not PKCS#8", async () => {
    const pkcs1 = join(fx.dir, "sp-pkcs1.key");
    writeFileSync(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    const out = await cli(...base(), "--decryption-key", pkcs1, response("encrypted-aes256-cbc"));
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("PKCS#8");
  });
});
