/**
 * POST /api/v1/ldap/connection-test and /authentication-test (SPEC §9, seed 003) inside
 * workerd, over `cloudflare:sockets`, against the real slapd servers the Node-side setup
 * started (test/setup/ldap-peers.ts): the report's steps in order, stopping at the first
 * failure, and each failure named in plain words.
 */
import { describe, expect, inject, it } from "vitest";
import { createOrg, expectProblem, expectStatus, get, mintKey, post } from "../admin/helpers";

const ldap = inject("ldap");
const service = { bindDn: ldap.service.dn, bindPassword: ldap.service.password };
const loopback = (port: number) => `ldap://127.0.0.1:${port}`;

interface Step {
  name: string;
  ok: boolean;
  durationMs: number;
  detail?: string;
}

async function connectionTest(body: Record<string, unknown>) {
  const response = await post("ldap/connection-test", body);
  expectStatus(response, 200);
  return response.body as { success: boolean; details: string; steps: Step[] };
}

async function authenticationTest(body: Record<string, unknown>) {
  const response = await post("ldap/authentication-test", {
    serverUri: ldap.plainUrl,
    ...service,
    baseDn: ldap.baseDn,
    scope: 2,
    searchFilter: "(mail=%(user)s)",
    ...body,
  });
  expectStatus(response, 200);
  return response.body as { success: boolean; details: string; steps: Step[] };
}

const names = (steps: Step[]) => steps.map((s) => `${s.name}:${s.ok ? "ok" : "failed"}`);

describe("connection test", () => {
  it("passes every step against a reachable server with the right bind password", async () => {
    const report = await connectionTest({ serverUri: ldap.plainUrl, ...service, baseDn: ldap.baseDn });
    expect(report).toMatchObject({ success: true, details: "" });
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:ok", "tls:ok", "bind:ok", "search:ok"]);
    expect(report.steps.find((s) => s.name === "tls")!.detail).toMatch(/not used: plain ldap:\/\/ to a loopback/);
    for (const step of report.steps) expect(step.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("searches the root DSE when no baseDn is given", async () => {
    const report = await connectionTest({ serverUri: ldap.plainUrl, ...service });
    expect(report.success).toBe(true);
    expect(names(report.steps).at(-1)).toBe("search:ok");
  });

  it("names invalid bind credentials and stops at the bind", async () => {
    const report = await connectionTest({ serverUri: ldap.plainUrl, bindDn: ldap.service.dn, bindPassword: "wrong" });
    expect(report.success).toBe(false);
    expect(report.details).toBe(`bind: invalid credentials for ${ldap.service.dn}`);
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:ok", "tls:ok", "bind:failed"]);
    expect(JSON.stringify(report)).not.toContain("wrong");
  });

  it("refuses a bind DN without a password before binding (RFC 4513 §5.1.2)", async () => {
    const report = await connectionTest({ serverUri: ldap.plainUrl, bindDn: ldap.service.dn, bindPassword: "" });
    expect(report.success).toBe(false);
    expect(report.details).toMatch(/^bind: .* has no bindPassword: .*unauthenticated \(RFC 4513 §5\.1\.2\)/);
  });

  it("names a refused connection on an unreachable port", async () => {
    const report = await connectionTest({ serverUri: loopback(ldap.closedPort), ...service });
    expect(report.success).toBe(false);
    expect(report.details).toMatch(/^tcp: connection refused by 127\.0\.0\.1:\d+/);
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:failed"]);
  });

  it("names a server that refuses StartTLS", async () => {
    const report = await connectionTest({ serverUri: ldap.plainUrl, startTls: true, ...service });
    expect(report.details).toMatch(/^TLS: StartTLS not supported by 127\.0\.0\.1:\d+ \(result code 2/);
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:ok", "tls:failed"]);
  });

  it("answers 400 for a server the outbound policy refuses, never contacting it", async () => {
    for (const serverUri of ["ldap://10.1.2.3:389", "ldaps://192.168.0.10", "ldap://ldap.example.com"]) {
      const response = await post("ldap/connection-test", { serverUri, ...service });
      expectProblem(response, 400, "validation_failed");
      expect(response.body.errors[0].path).toBe("serverUri");
    }
    const clear = await post("ldap/connection-test", { serverUri: "ldap://ldap.example.com", ...service });
    expect(clear.body.errors[0].message).toMatch(/not encrypted: credentials would cross the network in clear/);
  });

  it("is for app-wide keys only, and validates its body", async () => {
    const org = await createOrg();
    const scoped = await mintKey(`organization:${org.id}`);
    const forbidden = await post("ldap/connection-test", { serverUri: ldap.plainUrl }, { key: scoped.key });
    expectProblem(forbidden, 403, "forbidden");
    expectProblem(await post("ldap/connection-test", { serverUri: ldap.plainUrl }, { key: null }), 401, "unauthorized");
    const unknown = await post("ldap/connection-test", { server_uri: ldap.plainUrl });
    expectProblem(unknown, 400, "validation_failed");
    expectProblem(await post("ldap/connection-test", { serverUri: "http://x" }), 400, "validation_failed");
    expectProblem(await post("ldap/connection-test", {}), 400, "validation_failed");
  });
});

describe("authentication test", () => {
  const alice = ldap.users.alice;

  it("passes every step for the right password", async () => {
    const report = await authenticationTest({ username: alice.mail, password: alice.password });
    expect(report).toMatchObject({ success: true, details: "" });
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:ok", "tls:ok", "bind:ok", "search:ok", "user_bind:ok"]);
  });

  it("names a wrong password at user_bind, and never shows it", async () => {
    const password = `not-${alice.password}`;
    const report = await authenticationTest({ username: alice.mail, password });
    expect(report.success).toBe(false);
    expect(report.details).toBe(`user_bind: wrong password for ${alice.dn}`);
    expect(names(report.steps).at(-1)).toBe("user_bind:failed");
    expect(JSON.stringify(report)).not.toContain(password);
  });

  it("names an unknown user with the filter and the base", async () => {
    const report = await authenticationTest({ username: `nobody@${ldap.mailDomain}`, password: "x" });
    expect(report.details).toBe(`search: no entry matched (mail=nobody@${ldap.mailDomain}) under ${ldap.baseDn}`);
    expect(names(report.steps).at(-1)).toBe("search:failed");
  });

  it("names several matches", async () => {
    const report = await authenticationTest({ username: ldap.users.dupOne.mail, password: ldap.users.dupOne.password });
    expect(report.details).toBe(`search: 2 entries matched (mail=shared@${ldap.mailDomain}) under ${ldap.baseDn}`);
  });

  it("escapes the username (RFC 4515): the injection attempt finds nothing", async () => {
    const report = await authenticationTest({ username: "*)(uid=*", password: "x" });
    expect(report.details).toBe(`search: no entry matched (mail=\\2a\\29\\28uid=\\2a) under ${ldap.baseDn}`);
    const star = await authenticationTest({ username: "*", password: "x" });
    expect(star.details).toBe(`search: no entry matched (mail=\\2a) under ${ldap.baseDn}`);
  });

  it("finds exactly the entry whose uid has the injection's shape, by its own value", async () => {
    const user = ldap.users.injection;
    const report = await authenticationTest({
      username: user.uid,
      password: user.password,
      searchFilter: "(uid=%(user)s)",
    });
    expect(report.success, report.details).toBe(true);
  });

  it("refuses an empty password before any bind", async () => {
    const response = await post("ldap/authentication-test", {
      serverUri: ldap.plainUrl,
      baseDn: ldap.baseDn,
      searchFilter: "(mail=%(user)s)",
      username: alice.mail,
      password: "",
    });
    expectProblem(response, 400, "validation_failed");
    expect(response.body.errors).toEqual([
      { path: "password", message: expect.stringMatching(/unauthenticated bind \(RFC 4513 §5\.1\.2\)/) },
    ]);
  });
});

describe("TLS inside workerd", () => {
  // workerd's TLS cannot be given an extra trust anchor: against the servers' own CAs the
  // handshake fails, and the report says why in plain words. The success path over TLS is
  // driven from Node with each CA trusted (test/node/ldap/tls.test.ts).
  it("names an untrusted certificate on ldaps://", async () => {
    const report = await connectionTest({ serverUri: ldap.ldapsUrl, ...service });
    expect(report.success).toBe(false);
    expect(report.details).toMatch(/^TLS: certificate not trusted/);
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:ok", "tls:failed"]);
  });

  it("names an untrusted certificate after StartTLS", async () => {
    const report = await connectionTest({ serverUri: ldap.startTlsUrl, startTls: true, ...service });
    expect(report.details).toMatch(/^TLS: certificate not trusted/);
    expect(names(report.steps)).toEqual(["dns:ok", "tcp:ok", "tls:failed"]);
  });
});

describe("a saved connection (connectionId)", () => {
  it("reuses the connection's sealed bind password, and refuses fields beside it", async () => {
    const org = await createOrg();
    const created = await post(`organizations/${org.id}/connections`, {
      type: "ldap",
      ldap: { serverUri: ldap.plainUrl, ...service, baseDn: ldap.baseDn, searchFilter: "(uid=%(user)s)" },
    });
    expectStatus(created, 201);
    expect(JSON.stringify(created.body)).not.toContain(ldap.service.password);
    const report = await connectionTest({ connectionId: created.body.id });
    expect(report.success, report.details).toBe(true);
    const auth = await post("ldap/authentication-test", {
      connectionId: created.body.id,
      username: ldap.users.bob.uid,
      password: ldap.users.bob.password,
    });
    expect(auth.body.success, auth.text).toBe(true);
    const mixed = await post("ldap/connection-test", { connectionId: created.body.id, bindPassword: "x" });
    expectProblem(mixed, 400, "validation_failed");
    expect(mixed.body.errors[0].path).toBe("bindPassword");
    const saml = await post(`organizations/${org.id}/connections`, { type: "saml" });
    const notLdap = await post("ldap/connection-test", { connectionId: saml.body.id });
    expectProblem(notLdap, 400, "validation_failed");
  });
});

describe("/openapi.json", () => {
  it("describes the LDAP test routes (body and report) and the hosted form", async () => {
    const doc = (await get("/openapi.json", { key: null })).body;
    const test = doc.paths["/api/v1/ldap/connection-test"].post;
    expect(Object.keys(test.requestBody.content["application/json"].schema.properties)).toEqual(
      expect.arrayContaining(["connectionId", "serverUri", "startTls", "bindDn", "bindPassword", "baseDn"]),
    );
    expect(test.responses["200"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/LdapTestReport",
    });
    const report = doc.components.schemas.LdapTestReport;
    expect(Object.keys(report.properties)).toEqual(["success", "details", "steps"]);
    const auth = doc.paths["/api/v1/ldap/authentication-test"].post;
    expect(auth.requestBody.content["application/json"].schema.required).toEqual(["username", "password"]);
    expect(Object.keys(doc.paths["/ldap/{connId}/login"]).sort()).toEqual(["get", "post"]);
  });
});
