/** SPEC §2 "Events": every admin change is an audit event; sso_configuration.* triggers. */
import { describe, expect, it } from "vitest";
import {
  appEvents,
  appEventsHolding,
  type AuditEventJson,
  completeSamlFields,
  createActiveSamlConnection,
  createOrg,
  createSamlConnection,
  del,
  expectProblem,
  eventually,
  expectStatus,
  get,
  idpCertificate,
  mintKey,
  orgEvents,
  patch,
  post,
  uniqueDomain,
} from "./helpers";

const types = (events: AuditEventJson[]) => events.map((e) => e.type);
/** Events of these types, oldest first. */
const ofTypes = (events: AuditEventJson[], prefix: string) => events.filter((e) => e.type.startsWith(prefix)).reverse();

describe("the org audit log", () => {
  it("records every admin change with id, actor, target, data and time, newest first", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    const { id: keyId, key } = await mintKey(`organization:${org.id}`);
    const extra = uniqueDomain();
    await patch(`organizations/${org.id}`, { name: "Renamed", domains: [domain, extra] }, { key });
    await post(`organizations/${org.id}/domains/${extra}/verify`);
    const c = await createSamlConnection(org.id, {}, key);
    await patch(
      `organizations/${org.id}/connections/${c.id}`,
      { name: "Okta", saml: await completeSamlFields() },
      { key },
    );
    await post(`organizations/${org.id}/connections/${c.id}/activate`, {}, { key });
    await patch(`organizations/${org.id}/sso`, { activeSso: "none" }, { key });
    await post(`organizations/${org.id}/connections/${c.id}/deactivate`, {}, { key });
    const user = await post(`organizations/${org.id}/users`, { email: "u@acme.example" }, { key });
    await del(`organizations/${org.id}/users/${user.body.id}`, { key });
    await del(`organizations/${org.id}/connections/${c.id}`, { key });
    await patch(`organizations/${org.id}`, { domains: [domain] });
    await post(`organizations/${org.id}/disallow_sso`);
    await post(`organizations/${org.id}/allow_sso`);

    const events = await orgEvents(org.id);
    for (const e of events) {
      expect(e).toMatchObject({
        id: expect.stringMatching(/^evt_[0-9a-z]{26}$/),
        organizationId: org.id,
        actor: expect.stringMatching(/^(root|api_key:key_\w+)$/),
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        data: expect.any(Object),
      });
    }
    const times = events.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const find = (type: string, target: string | null = null) => {
      const found = events.find((e) => e.type === type && (target === null || e.target === target));
      expect(found, `${type} ${target ?? ""}`).toBeDefined();
      return found!;
    };
    expect(find("organization.created", org.id)).toMatchObject({ actor: "root", data: { domains: [domain] } });
    // The root key's last PATCH changed only the domains: no organization.updated for it.
    expect(events.filter((e) => e.type === "organization.updated").map((e) => [e.actor, e.data])).toEqual([
      [`api_key:${keyId}`, { changed: ["name"] }],
    ]);
    expect(find("domain.added", extra)).toMatchObject({ actor: `api_key:${keyId}`, data: { verified: false } });
    expect(find("domain.verified", extra).actor).toBe("root");
    expect(find("domain.removed", extra).actor).toBe("root");
    expect(find("connection.created", c.id)).toMatchObject({ actor: `api_key:${keyId}`, data: { type: "saml" } });
    expect(find("connection.updated", c.id).data.changed).toEqual(
      expect.arrayContaining(["name", "saml.idpEntityId", "saml.idpCertificates"]),
    );
    find("connection.activated", c.id);
    expect(find("organization.active_sso_changed", org.id).data).toEqual({ from: "saml", to: "none" });
    find("connection.deactivated", c.id);
    find("connection.deleted", c.id);
    find("user.created", user.body.id);
    find("user.deleted", user.body.id);
    find("organization.sso_disallowed", org.id);
    find("organization.sso_allowed", org.id);
  });

  it("filters by type and since, and pages", async () => {
    const org = await createOrg();
    for (const email of ["a@x.example", "b@x.example", "c@x.example"])
      await post(`organizations/${org.id}/users`, { email });
    const users = await orgEvents(org.id, "&type=user.created");
    expect(users).toHaveLength(3);
    expect(new Set(types(users))).toEqual(new Set(["user.created"]));
    const all = await orgEvents(org.id);
    const since = users[1]!.createdAt;
    const recent = await orgEvents(org.id, `&since=${encodeURIComponent(since)}`);
    expect(recent.every((e) => e.createdAt >= since)).toBe(true);
    expect(recent.length).toBeLessThan(all.length);
    const first = await get(`organizations/${org.id}/events?limit=2`);
    const second = await get(`organizations/${org.id}/events?limit=2&after=${first.body.nextCursor}`);
    expect([...first.body.data, ...second.body.data].map((e: AuditEventJson) => e.id)).toEqual(
      all.slice(0, 4).map((e) => e.id),
    );
    expectProblem(await get(`organizations/${org.id}/events?since=yesterday`), 400, "validation_failed");
    expectProblem(await get(`organizations/${org.id}/events?limit=1000`), 400, "validation_failed");
  });

  it("never records a change that failed", async () => {
    const org = await createOrg();
    const before = await orgEvents(org.id);
    expectProblem(await post(`organizations/${org.id}/users`, { email: "bad" }), 400, "validation_failed");
    const c = await createSamlConnection(org.id);
    expectProblem(await post(`organizations/${org.id}/connections/${c.id}/activate`), 409, "connection_incomplete");
    const after = await orgEvents(org.id);
    expect(types(after.slice(0, after.length - before.length))).toEqual(["connection.created"]);
  });
});

describe("sso_configuration events (SPEC §2)", () => {
  it("enabled on activation; updated when an active connection changes; disabled on deactivation", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id, { saml: await completeSamlFields() });
    await patch(`organizations/${org.id}/connections/${c.id}`, { name: "draft change" });
    expect(ofTypes(await orgEvents(org.id), "sso_configuration.")).toEqual([]);
    await post(`organizations/${org.id}/connections/${c.id}/activate`);
    expectStatus(await patch(`organizations/${org.id}/connections/${c.id}`, {}), 200);
    await patch(`organizations/${org.id}/connections/${c.id}`, { saml: { wantResponseSigned: true } });
    await post(`organizations/${org.id}/connections/${c.id}/idp-metadata`, {
      idpEntityId: "https://idp.example.com/rotated",
      idpSsoUrl: "https://idp.example.com/sso",
      idpCertificate: await idpCertificate(),
    });
    await post(`organizations/${org.id}/connections/${c.id}/deactivate`);
    await post(`organizations/${org.id}/connections/${c.id}/deactivate`);
    const sso = ofTypes(await orgEvents(org.id), "sso_configuration.");
    expect(sso.map((e) => [e.type, e.target])).toEqual([
      ["sso_configuration.enabled", c.id],
      ["sso_configuration.updated", c.id],
      ["sso_configuration.updated", c.id],
      ["sso_configuration.disabled", c.id],
    ]);
    expect(sso[1]!.data).toEqual({ changed: ["saml.wantResponseSigned"] });
    expect(sso[3]!.data).toMatchObject({ reason: "connection_deactivated" });
  });

  it("disabled when an active connection is deleted, not when a draft is", async () => {
    const org = await createOrg();
    const draft = await createSamlConnection(org.id);
    await del(`organizations/${org.id}/connections/${draft.id}`);
    const active = await createActiveSamlConnection(org.id);
    await del(`organizations/${org.id}/connections/${active.id}`);
    const sso = ofTypes(await orgEvents(org.id), "sso_configuration.");
    expect(sso.map((e) => [e.type, e.target, e.data.reason])).toEqual([
      ["sso_configuration.enabled", active.id, undefined],
      ["sso_configuration.disabled", active.id, "connection_deleted"],
    ]);
  });

  it("disabled when the org is disallowed, enabled when allowed again — only while it has an active connection", async () => {
    const org = await createOrg();
    await post(`organizations/${org.id}/disallow_sso`);
    await post(`organizations/${org.id}/allow_sso`);
    expect(ofTypes(await orgEvents(org.id), "sso_configuration.")).toEqual([]);
    await createActiveSamlConnection(org.id);
    await post(`organizations/${org.id}/disallow_sso`);
    await post(`organizations/${org.id}/disallow_sso`);
    await post(`organizations/${org.id}/allow_sso`);
    const sso = ofTypes(await orgEvents(org.id), "sso_configuration.");
    expect(sso.map((e) => [e.type, e.data.reason])).toEqual([
      ["sso_configuration.enabled", undefined],
      ["sso_configuration.disabled", "organization_disallowed"],
      ["sso_configuration.enabled", "organization_allowed"],
    ]);
  });

  it("disabled when an org with an active connection is deleted (kept in the app-wide feed)", async () => {
    const org = await createOrg();
    await createActiveSamlConnection(org.id);
    expectStatus(await del(`organizations/${org.id}`), 204);
    expectProblem(await get(`organizations/${org.id}/events`), 404, "not_found");
    // The deleted org's object still forwards its last events (its outbox outlives the org).
    const feed = await eventually(appEvents, (all) =>
      all.some((e) => e.organizationId === org.id && e.type === "organization.deleted"),
    );
    const events = feed.filter((e) => e.organizationId === org.id);
    expect(types(events).slice(0, 2).sort()).toEqual(["organization.deleted", "sso_configuration.disabled"]);
    expect(events.find((e) => e.type === "sso_configuration.disabled")?.data).toEqual({
      reason: "organization_deleted",
    });
  });
});

describe("GET /events (app-wide)", () => {
  it("holds app-wide changes and mirrors every org's events, newest first", async () => {
    const org = await createOrg();
    const client = await post("clients", { name: "App", redirectUris: ["https://app.example.com/cb"] });
    const key = await mintKey("admin", "ops");
    const hook = await post("webhooks", { url: "https://hooks.example.com/x", events: ["user.created"] });
    await patch(`webhooks/${hook.body.id}`, { enabled: false });
    await del(`webhooks/${hook.body.id}`);
    await del(`clients/${client.body.clientId}`);
    await del(`api-keys/${key.id}`);
    const events = await appEventsHolding({
      types: ["organization.created", "client.deleted", "api_key.deleted", "webhook.deleted"],
    });
    const find = (type: string, target: string) => events.find((e) => e.type === type && e.target === target);
    expect(find("organization.created", org.id)).toMatchObject({ organizationId: org.id, actor: "root" });
    expect(find("client.created", client.body.clientId)).toMatchObject({
      organizationId: null,
      actor: "root",
      data: { name: "App" },
    });
    expect(find("client.deleted", client.body.clientId)).toBeDefined();
    expect(find("api_key.created", key.id)).toMatchObject({ data: { name: "ops", scope: "admin" } });
    expect(find("api_key.deleted", key.id)).toBeDefined();
    expect(find("webhook.created", hook.body.id)).toBeDefined();
    expect(find("webhook.updated", hook.body.id)?.data).toEqual({ changed: ["enabled"] });
    expect(find("webhook.deleted", hook.body.id)).toBeDefined();
    const times = events.map((e) => e.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const onlyClients = await appEventsHolding({ query: "&type=client.created", types: ["client.created"] });
    expect(onlyClients.length).toBeGreaterThan(0);
    expect(onlyClients.every((e) => e.type === "client.created")).toBe(true);
  });

  it("has the same events as the org's own log", async () => {
    const org = await createOrg();
    await createActiveSamlConnection(org.id);
    const own = await orgEvents(org.id);
    const mirrored = (await appEventsHolding({ ids: own.map((e) => e.id) })).filter((e) => e.organizationId === org.id);
    expect(new Set(mirrored.map((e) => e.id))).toEqual(new Set(own.map((e) => e.id)));
  });
});
