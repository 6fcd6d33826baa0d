/**
 * The allow-list that `npm test` and `npm run dev` pass workerd's output through (issue 16
 * item 8, scripts/lib/known-noise.mjs): the lines workerd writes for a refusal the worker
 * handled are dropped, with their stack; any other line — a failure, a test's output, an
 * unknown workerd line, a stack after a line that was kept — is kept, byte for byte. The
 * known lines are copied from real runs (`npm test`, `npm run dev`).
 */
import { describe, expect, it } from "vitest";
import { isKnownNoise, noiseFilter } from "../../../scripts/lib/known-noise.mjs";

const STACK =
  "stack: /w/node_modules/@cloudflare/workerd-linux-64/bin/workerd@38555e0 /w/node_modules/@cloudflare/workerd-linux-64/bin/workerd@5f4da80; sentryErrorContext = jsgInternalError; wdErrId = davftta1d46ctdut9bmu400u";
const TLS_REFUSED =
  "e = rust/cxx/kj-hyper/ffi.rs:267: failed: TLS handshake failed: invalid peer certificate: UnknownIssuer";
const ALARM =
  "NOSENTRY SQLite alarm overdue, running despite AlarmManager mismatch; scheduledTime = 1796194949.869s; localAlarmTime = 1796194949.888s; currentTime = 1796194949.903152239s; actorId = 80ab82621e47554a2966a1cd349e3f2493cf67d2abe1b0d7bbdb201c1bae56ea";
/** `npm run dev`: wrangler's rendering of workerd's block, colours and blank lines included. */
const DEV_LOOKUP = [
  "\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1me = rust/worker/ffi.rs:110: failed: failed to lookup address information: Name or service not known\x1b[0m",
  "",
  `  ${STACK}`,
  "",
  "",
];
const FAILURE = [
  " FAIL   worker  test/worker/ldap/test-endpoints.test.ts > refuses an untrusted certificate",
  "AssertionError: expected 'tls' to be 'bind'",
  " ❯ test/worker/ldap/test-endpoints.test.ts:88:7",
];

function filtered(lines: string[], chunkSize = Infinity): string {
  let out = "";
  const filter = noiseFilter((text: string) => (out += text));
  const text = lines.map((l) => `${l}\n`).join("");
  for (let i = 0; i < text.length; i += Math.min(chunkSize, text.length)) filter.write(text.slice(i, i + chunkSize));
  filter.end();
  return out;
}

describe("known workerd noise", () => {
  it("drops the known lines and their stack, keeps the lines around them", () => {
    const before = " ✓  worker  test/worker/store/scheduler.test.ts (9 tests) 1337ms";
    const after = " ✓  worker  test/worker/ldap/test-endpoints.test.ts (19 tests) 6641ms";
    expect(filtered([before, TLS_REFUSED, STACK, TLS_REFUSED, STACK, ALARM, after])).toBe(`${before}\n${after}\n`);
    expect(
      filtered(["[wrangler:info] Ready on http://localhost:8787", ...DEV_LOOKUP, "[wrangler:info] POST /x 400"]),
    ).toBe("[wrangler:info] Ready on http://localhost:8787\n[wrangler:info] POST /x 400\n");
  });

  it("recognises a line split across chunks", () => {
    expect(filtered(["a", TLS_REFUSED, STACK, "b"], 7)).toBe("a\nb\n");
  });

  it("keeps a failure, a test's output and every unknown line", () => {
    const kept = [
      ...FAILURE,
      "stdout | test/worker/flow/saml-refusals.test.ts > an unknown client gets an HTML error page",
      "login refused: unknown_client (ref_01abc)",
      // workerd lines of the same shape with another reason: not on the list.
      "e = rust/cxx/kj-hyper/ffi.rs:267: failed: TLS handshake failed: invalid peer certificate: NotValidForName",
      "e = rust/worker/ffi.rs:110: failed: failed to lookup address information: Temporary failure in name resolution",
      "NOSENTRY SQLite database corrupt; actorId = 80ab",
      "uncaught exception; source = Uncaught (in promise); stack = Error: Network connection lost.",
      " Test Files  1 failed | 120 passed (121)",
    ];
    expect(filtered(kept)).toBe(kept.map((l) => `${l}\n`).join(""));
  });

  it("keeps a stack or a blank line that follows a kept line, and a failure right after a dropped block", () => {
    const lines = ["unknown line", STACK, "", TLS_REFUSED, STACK, "", ...FAILURE];
    expect(filtered(lines)).toBe(["unknown line", STACK, "", ...FAILURE].map((l) => `${l}\n`).join(""));
  });

  it("drops the caller's own exact lines, and only those", () => {
    const report = "JSON report written to /w/node_modules/.cache/vitest-report.json";
    let out = "";
    const filter = noiseFilter((text: string) => (out += text), new Set([report]));
    filter.write(`${report}\nJSON report written to /elsewhere.json\n1038 passed, 0 failed\n`);
    filter.end();
    expect(out).toBe("JSON report written to /elsewhere.json\n1038 passed, 0 failed\n");
  });

  it("matches whole lines only", () => {
    expect(isKnownNoise(`${TLS_REFUSED} and more`)).toBe(false);
    expect(isKnownNoise(`FAIL ${ALARM}`)).toBe(false);
    expect(isKnownNoise(STACK)).toBe(false);
    expect(isKnownNoise(STACK, true)).toBe("tail");
  });
});
