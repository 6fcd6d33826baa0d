/**
 * SPEC §2 "Routing a login": `routeLoginByEmail`, the function the start endpoint calls.
 * KV is only a cache; these tests also write wrong KV entries directly and check that the
 * org's object (the truth) still decides.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { routeLoginByEmail, type LoginRoute } from "../../../src/domains/route-login";
import {
  createActiveSamlConnection,
  createOrg,
  createSamlConnection,
  del,
  expectStatus,
  mintKey,
  oidcFieldsWithEndpoints,
  patch,
  post,
  uniqueDomain,
} from "./helpers";

/** Where a login goes, reduced to what the tests compare. */
async function route(email: string): Promise<{ org: string; connection: string } | { reason: string }> {
  const exec = createExecutionContext();
  const result: LoginRoute = await routeLoginByEmail(env, email, exec);
  await waitOnExecutionContext(exec);
  return result.ok ? { org: result.organization.id, connection: result.connection.id } : { reason: result.reason };
}

async function activeOidc(orgId: string, body: Record<string, unknown> = {}) {
  const created = await post(`organizations/${orgId}/connections`, {
    type: "oidc",
    oidc: oidcFieldsWithEndpoints(),
    ...body,
  });
  expectStatus(created, 201);
  expectStatus(await post(`organizations/${orgId}/connections/${created.body.id}/activate`), 200);
  return created.body as { id: string };
}

describe("routeLoginByEmail", () => {
  it("routes a domain to the active connection that lists it, else to the one that lists none", async () => {
    const [d1, d2] = [uniqueDomain(), uniqueDomain()];
    const org = await createOrg({ domains: [d1, d2] });
    const catchAll = await createActiveSamlConnection(org.id);
    const forD1 = await createActiveSamlConnection(org.id, { domains: [d1] });
    expect(await route(`jane@${d1}`)).toEqual({ org: org.id, connection: forD1.id });
    expect(await route(`jane@${d2}`)).toEqual({ org: org.id, connection: catchAll.id });
    expect(await route(`Jane.Doe@${d1.toUpperCase()}`)).toEqual({ org: org.id, connection: forD1.id });
  });

  it("ignores drafts and inactive connections; no match is no_active_connection", async () => {
    const [d1, d2] = [uniqueDomain(), uniqueDomain()];
    const org = await createOrg({ domains: [d1, d2] });
    expect(await route(`a@${d1}`)).toEqual({ reason: "no_active_connection" });
    await createSamlConnection(org.id);
    expect(await route(`a@${d1}`)).toEqual({ reason: "no_active_connection" });
    const onlyD1 = await createActiveSamlConnection(org.id, { domains: [d1] });
    expect(await route(`a@${d1}`)).toEqual({ org: org.id, connection: onlyD1.id });
    expect(await route(`a@${d2}`)).toEqual({ reason: "no_active_connection" });
    await post(`organizations/${org.id}/connections/${onlyD1.id}/deactivate`);
    expect(await route(`a@${d1}`)).toEqual({ reason: "no_active_connection" });
  });

  it("uses only connections of type activeSso, and follows PATCH …/sso", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    const saml = await createActiveSamlConnection(org.id);
    const oidc = await activeOidc(org.id);
    expect(await route(`a@${domain}`)).toEqual({ org: org.id, connection: saml.id });
    await patch(`organizations/${org.id}/sso`, { activeSso: "oidc" });
    expect(await route(`a@${domain}`)).toEqual({ org: org.id, connection: oidc.id });
    await patch(`organizations/${org.id}/sso`, { activeSso: "none" });
    expect(await route(`a@${domain}`)).toEqual({ reason: "no_active_connection" });
  });

  it("routes nobody while the org's SSO is disallowed", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    const c = await createActiveSamlConnection(org.id);
    await post(`organizations/${org.id}/disallow_sso`);
    expect(await route(`a@${domain}`)).toEqual({ reason: "sso_not_allowed" });
    await post(`organizations/${org.id}/allow_sso`);
    expect(await route(`a@${domain}`)).toEqual({ org: org.id, connection: c.id });
  });

  it("routes no login to an unverified domain until an app-wide key verifies it", async () => {
    const org = await createOrg();
    const { key } = await mintKey(`organization:${org.id}`);
    const domain = uniqueDomain();
    await patch(`organizations/${org.id}`, { domains: [domain] }, { key });
    const c = await createActiveSamlConnection(org.id, {}, key);
    expect(await route(`a@${domain}`)).toEqual({ reason: "unverified_domain" });
    // Even a forged KV entry does not route it.
    await env.DOMAINS.put(domain, JSON.stringify({ organizationId: org.id, connectionId: c.id }));
    expect(await route(`a@${domain}`)).toEqual({ reason: "unverified_domain" });
    await post(`organizations/${org.id}/domains/${domain}/verify`);
    expect(await route(`a@${domain}`)).toEqual({ org: org.id, connection: c.id });
  });

  it("answers unknown_domain and invalid_email", async () => {
    expect(await route(`a@${uniqueDomain()}`)).toEqual({ reason: "unknown_domain" });
    for (const email of ["no-at-sign", "a@", "@acme.example", "a@192.168.0.1", "a@localhost"]) {
      expect(await route(email), email).toEqual({ reason: "invalid_email" });
    }
  });

  it("routes none of a deleted org's domains, and a new owner gets them", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    await createActiveSamlConnection(org.id);
    expectStatus(await del(`organizations/${org.id}`), 204);
    expect(await route(`a@${domain}`)).toEqual({ reason: "unknown_domain" });
    // A stale KV entry naming the deleted org changes nothing.
    await env.DOMAINS.put(domain, JSON.stringify({ organizationId: org.id, connectionId: null }));
    expect(await route(`a@${domain}`)).toEqual({ reason: "unknown_domain" });
    const heir = await createOrg({ domains: [domain] });
    const c = await createActiveSamlConnection(heir.id);
    expect(await route(`a@${domain}`)).toEqual({ org: heir.id, connection: c.id });
  });

  it("routes a domain dropped by PATCH nowhere, and to its next owner", async () => {
    const [kept, dropped] = [uniqueDomain(), uniqueDomain()];
    const org = await createOrg({ domains: [kept, dropped] });
    await createActiveSamlConnection(org.id);
    await patch(`organizations/${org.id}`, { domains: [kept] });
    expect(await route(`a@${dropped}`)).toEqual({ reason: "unknown_domain" });
    await env.DOMAINS.put(dropped, JSON.stringify({ organizationId: org.id, connectionId: null }));
    expect(await route(`a@${dropped}`)).toEqual({ reason: "unknown_domain" });
    const next = await createOrg({ domains: [dropped] });
    const c = await createActiveSamlConnection(next.id);
    await env.DOMAINS.put(dropped, JSON.stringify({ organizationId: org.id, connectionId: null }));
    expect(await route(`a@${dropped}`)).toEqual({ org: next.id, connection: c.id });
  });
});

describe("the KV cache never routes a login wrongly", () => {
  it("writes verified domains to KV as {organizationId, connectionId}", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    expect(await env.DOMAINS.get(domain, "json")).toEqual({ organizationId: org.id, connectionId: null });
    const c = await createActiveSamlConnection(org.id);
    expect(await env.DOMAINS.get(domain, "json")).toEqual({ organizationId: org.id, connectionId: c.id });
  });

  it("an entry naming another org (which has a catch-all connection) is overruled by the owner", async () => {
    const domain = uniqueDomain();
    const owner = await createOrg({ domains: [domain] });
    const ownerConnection = await createActiveSamlConnection(owner.id);
    const intruder = await createOrg({ domains: [uniqueDomain()] });
    const intruderConnection = await createActiveSamlConnection(intruder.id);
    await env.DOMAINS.put(domain, JSON.stringify({ organizationId: intruder.id, connectionId: intruderConnection.id }));
    expect(await route(`a@${domain}`)).toEqual({ org: owner.id, connection: ownerConnection.id });
    // The lookup repaired the cache.
    expect(await env.DOMAINS.get(domain, "json")).toEqual({
      organizationId: owner.id,
      connectionId: ownerConnection.id,
    });
  });

  it("an entry for an unowned domain naming an org with a catch-all connection routes nothing", async () => {
    const org = await createOrg({ domains: [uniqueDomain()] });
    const c = await createActiveSamlConnection(org.id);
    const unowned = uniqueDomain("unowned");
    await env.DOMAINS.put(unowned, JSON.stringify({ organizationId: org.id, connectionId: c.id }));
    expect(await route(`a@${unowned}`)).toEqual({ reason: "unknown_domain" });
    expect(await env.DOMAINS.get(unowned)).toBeNull();
  });

  it("an entry naming the right org but a wrong or inactive connection still routes by the org's truth", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    const old = await createActiveSamlConnection(org.id);
    const current = await createActiveSamlConnection(org.id, { domains: [domain] });
    await post(`organizations/${org.id}/connections/${old.id}/deactivate`);
    await env.DOMAINS.put(domain, JSON.stringify({ organizationId: org.id, connectionId: old.id }));
    expect(await route(`a@${domain}`)).toEqual({ org: org.id, connection: current.id });
    await env.DOMAINS.put(domain, JSON.stringify({ organizationId: org.id, connectionId: "conn_forged" }));
    expect(await route(`a@${domain}`)).toEqual({ org: org.id, connection: current.id });
  });

  it("a missing entry falls back to the domain's claim, and is written back", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    const c = await createActiveSamlConnection(org.id);
    await env.DOMAINS.delete(domain);
    expect(await route(`a@${domain}`)).toEqual({ org: org.id, connection: c.id });
    expect(await env.DOMAINS.get(domain, "json")).toEqual({ organizationId: org.id, connectionId: c.id });
  });

  it("a malformed entry is ignored, not an error", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    const c = await createActiveSamlConnection(org.id);
    for (const junk of [
      "not json",
      "{}",
      "null",
      "[]",
      JSON.stringify({ organizationId: 42 }),
      JSON.stringify({ organizationId: "" }),
    ]) {
      await env.DOMAINS.put(domain, junk);
      expect(await route(`a@${domain}`), junk).toEqual({ org: org.id, connection: c.id });
    }
    const unowned = uniqueDomain("junk");
    await env.DOMAINS.put(unowned, "{not json");
    expect(await route(`a@${unowned}`)).toEqual({ reason: "unknown_domain" });
  });
});
