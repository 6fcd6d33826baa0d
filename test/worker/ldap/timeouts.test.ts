/**
 * Bounded waits (SPEC §9) inside workerd, over `cloudflare:sockets`: the same code the test
 * endpoints run, with a short schedule instead of the 5 s / 10 s bounds (never waiting them
 * out), against a port that accepts connections and never answers.
 */
import { describe, expect, inject, it } from "vitest";
import {
  LDAP_TIMEOUTS,
  parseLdapTarget,
  runAuthenticationTest,
  runConnectionTest,
  workerConnector,
} from "../../../src/ldap";

const ldap = inject("ldap");
const env = { ALLOW_INSECURE_LOOPBACK_IDP: "true" };
const timeouts = { connectMs: 250, operationMs: 250 };
const service = { bindDn: ldap.service.dn, bindPassword: ldap.service.password };

function silentTarget(scheme: "ldap" | "ldaps") {
  const parsed = parseLdapTarget(env, `${scheme}://127.0.0.1:${ldap.silentPort}`, false);
  if (!parsed.ok) throw new Error(parsed.detail);
  return parsed.target;
}

describe("timeouts", () => {
  it("a server that accepts and never answers: the bind times out, named", async () => {
    const report = await runConnectionTest(
      silentTarget("ldap"),
      { ...service, baseDn: null },
      {
        connector: workerConnector,
        timeouts,
      },
    );
    expect(report.success).toBe(false);
    expect(report.details).toBe(`bind: timeout: 127.0.0.1:${ldap.silentPort} did not answer within 0.25 s`);
    expect(report.steps.map((s) => s.name)).toEqual(["dns", "tcp", "tls", "bind"]);
    expect(report.steps.at(-1)!.durationMs).toBeGreaterThanOrEqual(250);
  });

  it("the same port over ldaps://: the handshake times out", async () => {
    const report = await runConnectionTest(
      silentTarget("ldaps"),
      { ...service, baseDn: null },
      {
        connector: workerConnector,
        timeouts,
      },
    );
    expect(report.details).toBe(`TLS: timeout: no handshake with 127.0.0.1:${ldap.silentPort} within 0.25 s`);
  });

  it("an anonymous search on it times out too (the authentication test)", async () => {
    const result = await runAuthenticationTest(
      silentTarget("ldap"),
      { bindDn: null, bindPassword: null },
      { baseDn: ldap.baseDn, scope: 2, searchFilter: "(mail=%(user)s)", attributes: ["mail"] },
      { username: "a@b.c", password: "x" },
      { connector: workerConnector, timeouts },
    );
    expect(result.report.details).toBe(`search: timeout: 127.0.0.1:${ldap.silentPort} did not answer within 0.25 s`);
  });

  it("the endpoints run with SPEC §9's bounds", () => {
    expect(LDAP_TIMEOUTS).toEqual({ connectMs: 5_000, operationMs: 10_000 });
  });
});
