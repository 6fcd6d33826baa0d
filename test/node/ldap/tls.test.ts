/**
 * The TLS success path, which workerd cannot take against a test server (its TLS trusts
 * only publicly trusted certificates and takes no extra trust anchor): the same src/ldap
 * code — the channel with its StartTLS exchange, the ldapts session, the steps and their
 * words — driven from Node over a `node:tls` connector that trusts each test server's own
 * CA. What differs from the Worker is only the socket primitive (test/node/ldap/node-connector.ts
 * instead of src/ldap/worker-connector.ts).
 */
import { describe, expect, inject, it } from "vitest";
import { runAuthenticationTest } from "../../../src/ldap/authentication-test";
import { runConnectionTest } from "../../../src/ldap/connection-test";
import { parseLdapTarget, type LdapTarget } from "../../../src/ldap/ldap-target";
import { LDAP_TIMEOUTS } from "../../../src/ldap/timeouts";
import { nodeConnector } from "./node-connector";

const ldap = inject("ldap");
const env = { ALLOW_INSECURE_LOOPBACK_IDP: "true" };
const service = { bindDn: ldap.service.dn, bindPassword: ldap.service.password };
const trusted = { connector: nodeConnector([ldap.startTlsCaPem, ldap.ldapsCaPem]) };

function target(serverUri: string, startTls = false): LdapTarget {
  const parsed = parseLdapTarget(env, serverUri, startTls);
  if (!parsed.ok) throw new Error(parsed.detail);
  return parsed.target;
}

const names = (steps: Array<{ name: string; ok: boolean }>) => steps.map((s) => `${s.name}:${s.ok ? "ok" : "failed"}`);

describe("TLS with the test CA trusted (Node)", () => {
  it("ldaps://: every step passes, the handshake timed as its own step", async () => {
    const report = await runConnectionTest(target(ldap.ldapsUrl), { ...service, baseDn: ldap.baseDn }, trusted);
    expect(report, report.details).toMatchObject({ success: true, details: "" });
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:ok", "tls:ok", "bind:ok", "search:ok"]);
    expect(report.steps.find((s) => s.name === "tls")!.detail).toBeUndefined();
  });

  it("StartTLS: the exchange, then the handshake, then LDAP over TLS", async () => {
    const report = await runConnectionTest(target(ldap.startTlsUrl, true), { ...service, baseDn: null }, trusted);
    expect(report, report.details).toMatchObject({ success: true });
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:ok", "tls:ok", "bind:ok", "search:ok"]);
  });

  it("a user signs in over ldaps:// and over StartTLS, with the mapped attributes read", async () => {
    const alice = ldap.users.alice;
    const lookup = {
      baseDn: ldap.baseDn,
      scope: 2 as const,
      searchFilter: "(mail=%(user)s)",
      attributes: ["mail", "givenName", "sn", "memberOf"],
    };
    for (const t of [target(ldap.ldapsUrl), target(ldap.startTlsUrl, true)]) {
      const result = await runAuthenticationTest(
        t,
        service,
        lookup,
        { username: alice.mail, password: alice.password },
        trusted,
      );
      expect(result.report.success, result.report.details).toBe(true);
      expect(result.entry).toMatchObject({
        dn: alice.dn,
        attributes: { mail: [alice.mail], givenName: ["Alice"], sn: ["Liddell"], memberOf: alice.groups },
      });
      expect(result.entry!.attributes.entryUUID![0]).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("names a host name mismatch: the StartTLS certificate is for 127.0.0.1, not localhost", async () => {
    const report = await runConnectionTest(
      target(ldap.startTlsUrl.replace("127.0.0.1", "localhost"), true),
      { ...service, baseDn: null },
      trusted,
    );
    expect(report.details).toBe("TLS: host name mismatch: the certificate is not issued for localhost");
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:ok", "tls:failed"]);
    expect(report.steps[0]!.detail).toBe("localhost resolved while connecting");
  });

  it("names a certificate from a CA the client does not trust", async () => {
    // slapd sends its chain up to the self-signed test root (SELF_SIGNED_CERT_IN_CHAIN).
    const otherCaOnly = { connector: nodeConnector([ldap.startTlsCaPem]) };
    const report = await runConnectionTest(target(ldap.ldapsUrl), { ...service, baseDn: null }, otherCaOnly);
    expect(report.details).toBe("TLS: certificate not trusted (self-signed)");
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:ok", "tls:failed"]);
  });

  it("bounds the TLS handshake by the connect timeout (a port that accepts and never answers)", async () => {
    const timeouts = { connectMs: 300, operationMs: 300 };
    const report = await runConnectionTest(
      target(`ldaps://127.0.0.1:${ldap.silentPort}`),
      { ...service, baseDn: null },
      { ...trusted, timeouts },
    );
    expect(report.details).toBe(`TLS: timeout: no handshake with 127.0.0.1:${ldap.silentPort} within 0.3 s`);
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:ok", "tls:failed"]);
  });

  it("bounds work by SPEC §9's timeouts: connect 5 s, operation 10 s", () => {
    expect(LDAP_TIMEOUTS).toEqual({ connectMs: 5_000, operationMs: 10_000 });
  });
});
