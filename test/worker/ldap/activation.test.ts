/**
 * Activating an `ldap` connection runs the connection test (SPEC §2): a connection that
 * fails it stays a draft, and 409 `connection_incomplete` names the failed step and the
 * field to fix; one that passes goes live and becomes the org's `activeSso`.
 */
import { describe, expect, inject, it } from "vitest";
import { createOrg, expectProblem, expectStatus, get, mintKey, post } from "../admin/helpers";

const ldap = inject("ldap");
const service = { bindDn: ldap.service.dn, bindPassword: ldap.service.password };

async function ldapConnection(orgId: string, fields: Record<string, unknown>, key?: string) {
  const created = await post(
    `organizations/${orgId}/connections`,
    { type: "ldap", ldap: { serverUri: ldap.plainUrl, ...service, baseDn: ldap.baseDn, ...fields } },
    key ? { key } : undefined,
  );
  expectStatus(created, 201);
  return created.body as { id: string };
}

const activate = (orgId: string, connId: string, key?: string) =>
  post(`organizations/${orgId}/connections/${connId}/activate`, {}, key ? { key } : undefined);

describe("activating an ldap connection", () => {
  it("runs the connection test and goes live when it passes", async () => {
    const org = await createOrg();
    const conn = await ldapConnection(org.id, {});
    const activated = await activate(org.id, conn.id);
    expectStatus(activated, 200);
    expect(activated.body.state).toBe("active");
    expect((await get(`organizations/${org.id}`)).body.activeSso).toBe("ldap");
  });

  it("refuses a connection whose bind fails, naming the step", async () => {
    const org = await createOrg();
    const conn = await ldapConnection(org.id, { bindPassword: "not-the-password" });
    const refused = await activate(org.id, conn.id);
    expectProblem(refused, 409, "connection_incomplete");
    expect(refused.body.errors).toEqual([
      {
        path: "ldap.bindDn",
        message: `connection test failed at step bind: bind: invalid credentials for ${ldap.service.dn}`,
      },
    ]);
    expect(refused.text).not.toContain("not-the-password");
    expect((await get(`organizations/${org.id}/connections/${conn.id}`)).body.state).toBe("draft");
    expect((await get(`organizations/${org.id}`)).body.activeSso).toBe("none");
  });

  it("refuses an unreachable server, and a base DN that does not exist", async () => {
    const org = await createOrg();
    const closed = await ldapConnection(org.id, { serverUri: `ldap://127.0.0.1:${ldap.closedPort}` });
    const refused = await activate(org.id, closed.id);
    expectProblem(refused, 409, "connection_incomplete");
    expect(refused.body.errors[0].path).toBe("ldap.serverUri");
    expect(refused.body.errors[0].message).toMatch(/^connection test failed at step tcp: tcp: connection refused/);
    const wrongBase = await ldapConnection(org.id, { baseDn: "ou=nowhere,dc=corp,dc=example" });
    const noBase = await activate(org.id, wrongBase.id);
    expect(noBase.body.errors).toEqual([
      {
        path: "ldap.baseDn",
        message:
          "connection test failed at step search: search: the base DN ou=nowhere,dc=corp,dc=example does not exist",
      },
    ]);
  });

  it("refuses an untrusted certificate; an org-scoped key learns the step, not the network detail", async () => {
    const org = await createOrg();
    const conn = await ldapConnection(org.id, { serverUri: ldap.ldapsUrl });
    const refused = await activate(org.id, conn.id);
    expectProblem(refused, 409, "connection_incomplete");
    expect(refused.body.errors[0].path).toBe("ldap.serverUri");
    expect(refused.body.errors[0].message).toMatch(/^connection test failed at step tls: TLS: certificate not trusted/);
    const scoped = await mintKey(`organization:${org.id}`);
    const forCustomer = await activate(org.id, conn.id, scoped.key);
    expectProblem(forCustomer, 409, "connection_incomplete");
    expect(forCustomer.body.errors[0].path).toBe("ldap.serverUri");
    expect(forCustomer.body.errors[0].message).toMatch(
      /^connection test failed: 127\.0\.0\.1:\d+ could not be reached$/,
    );
  });

  it("names missing fields and a search filter that is not RFC 4515 before contacting anything", async () => {
    const org = await createOrg();
    const empty = await post(`organizations/${org.id}/connections`, { type: "ldap" });
    const refused = await activate(org.id, empty.body.id);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(["ldap.serverUri", "ldap.baseDn"]);
    const broken = await ldapConnection(org.id, { searchFilter: "(&(mail=%(user)s)" });
    const badFilter = await activate(org.id, broken.id);
    expectProblem(badFilter, 409, "connection_incomplete");
    expect(badFilter.body.errors[0].path).toBe("ldap.searchFilter");
    expect(badFilter.body.errors[0].message).toMatch(/^is not a valid LDAP filter/);
  });
});
