/**
 * SPEC §1 "Schemas evolve", STYLE 13: an object written by the unversioned release (its
 * tables, no recorded version) upgrades in place when today's code starts it, and every
 * row it held survives and reads back through the normal operations.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { APP_MIGRATIONS } from "../../../src/store/migrations/app-migrations";
import { DOMAIN_CLAIM_MIGRATIONS } from "../../../src/store/migrations/domain-claim-migrations";
import { ORG_MIGRATIONS } from "../../../src/store/migrations/org-migrations";
import type { Migration } from "../../../src/store/migrations/run-migrations";
import type { AppStore } from "../../../src/store/app-store";
import type { DomainClaim } from "../../../src/store/domain-claim";
import type { OrganizationStore } from "../../../src/store/organization-store";
import { orgOp } from "../../../src/store/stores";
import appV0 from "../../fixtures/storage/app-v0.sql?raw";
import appV0Rows from "../../fixtures/storage/app-v0-rows.sql?raw";
import claimV0 from "../../fixtures/storage/domain-claim-v0.sql?raw";
import claimV0Rows from "../../fixtures/storage/domain-claim-v0-rows.sql?raw";
import orgV0 from "../../fixtures/storage/org-v0.sql?raw";
import orgV0Rows from "../../fixtures/storage/org-v0-rows.sql?raw";
import { createOrg, eventually, expectStatus, get, mintKey, patch, post } from "../admin/helpers";
import { schemaShape, shapeBuiltBy, tableRows, writeAsUnversionedRelease } from "./legacy-object";

const ORG_ID = "org_01m8t1qyba0bs1qp35g5gpw115";
const CONN_ID = "conn_01m8t1qyba0bs1qp35g5gpw115ggj2847sxryr";
const MEMBER_ID = "user_01m8t1qz06c51wgwq5ecxk3ycg";
const DOMAIN = "acme-legacy.example.com";
const FAR = 4102444800000;

type Started = OrganizationStore | AppStore | DomainClaim;

/** The upgraded object's report, recorded versions, schema shape and rows, read inside it. */
async function inspect<O extends Started>(stub: DurableObjectStub<O>, tables: string[]) {
  return runInDurableObject(stub, (instance: O, state) => ({
    schema: instance.schema,
    versions: state.storage.sql
      .exec<{ version: number; name: string }>("SELECT version, name FROM schema_migrations ORDER BY version")
      .toArray(),
    shape: schemaShape(state),
    rows: Object.fromEntries(tables.map((t) => [t, tableRows(state, t)])),
  }));
}

const recorded = (migrations: readonly Migration[]) => migrations.map(({ version, name }) => ({ version, name }));

/** A brand-new object of the same class, for comparing schemas. */
async function freshShape(stub: DurableObjectStub) {
  return runInDurableObject(stub, (_instance: unknown, state) => schemaShape(state));
}

describe("upgrading an object of the unversioned release", () => {
  it("OrganizationStore: every table and row survives and reads back", async () => {
    const stub = env.ORGS.get(env.ORGS.idFromName(ORG_ID));
    const before = await writeAsUnversionedRelease(stub, orgV0, orgV0Rows);
    expect(Object.keys(before).sort()).toEqual(
      [
        "access_tokens",
        "assertion_replay",
        "auth_codes",
        "code_tokens",
        "connections",
        "domains",
        "events",
        "members",
        "oidc_idp_cache",
        "organization",
        "pending_logins",
        "spent_codes",
      ].sort(),
    );
    for (const [table, rows] of Object.entries(before)) expect(rows.length, table).toBeGreaterThan(0);

    const after = await inspect(stub, Object.keys(before));
    expect(after.schema).toEqual({ from: 0, to: ORG_MIGRATIONS.length, unversioned: true });
    expect(after.versions).toEqual(recorded(ORG_MIGRATIONS));
    // Migration 7 (setup-links) adds pending_logins.setup_test: an old row reads it as null.
    // Migration 9 (sessions) gives codes and access tokens a session column: older rows belong to no session.
    const noSession = (rows: Record<string, SqlStorageValue>[]) => rows.map((row) => ({ ...row, sid: null }));
    const upgraded: typeof before = {
      ...before,
      pending_logins: before.pending_logins!.map((row) => ({ ...row, setup_test: null })),
      auth_codes: noSession(before.auth_codes!),
      access_tokens: noSession(before.access_tokens!),
    };
    // Migration 8 (directory sync) gives each member its SCIM columns: `source` from its user.created event.
    const scimColumns = {
      source: "admin",
      user_name: null,
      external_id: null,
      display_name: null,
      active: 1,
      deleted_at: null,
      scim_attributes: null,
      version: 1,
    };
    upgraded.members = before.members!.map((m) => ({ ...m, ...scimColumns }));
    expect(after.rows).toEqual(upgraded);
    expect(after.shape).toEqual(await freshShape(env.ORGS.get(env.ORGS.newUniqueId())));

    // Migration 13 (certificate notices) makes the first certificate check of the live
    // connection due at start: the object's alarm runs it, and it is due again a day later.
    const check = await eventually(
      () =>
        runInDurableObject(stub, (store: OrganizationStore) =>
          store.scheduler.queue.get("certificate-expiry", CONN_ID),
        ),
      (task) => task !== null && task.dueAt > Date.now() + 12 * 3_600_000,
    );
    expect(check?.attempts).toBe(0);

    // The rows the old release left expired get their first sweep, on the object's alarm.
    const sweep = await eventually(
      () =>
        runInDurableObject(stub, async (store: OrganizationStore, state) => ({
          task: store.scheduler.queue.get("expiry-sweep", "login-state"),
          alarm: await state.storage.getAlarm(),
        })),
      (read) => read.alarm !== null && read.alarm === read.task?.dueAt,
    );
    expect(sweep.task?.dueAt).toBeGreaterThan(Date.now());
    expect(sweep.alarm).toBe(sweep.task?.dueAt);
    await runInDurableObject(stub, (store: OrganizationStore) => store.scheduler.useClock(() => sweep.task!.dueAt));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const swept = await inspect(stub, Object.keys(before));
    const live = (rows: Record<string, SqlStorageValue>[]) => rows.filter((r) => r.expires_at !== 1000);
    for (const [table, rows] of Object.entries(upgraded)) {
      const expected = "expires_at" in rows[0]! ? live(rows) : rows;
      expect(swept.rows[table], table).toEqual(expected);
      if ("expires_at" in rows[0]!) expect(expected.length, table).toBeLessThan(rows.length);
    }

    // The admin API reads the org, its connection, members and audit log.
    const org = await get(`organizations/${ORG_ID}`);
    expect(org.status, org.text).toBe(200);
    expect(org.body).toMatchObject({ id: ORG_ID, name: "Legacy Acme", domains: [DOMAIN], activeSso: "saml" });
    const connection = await get(`organizations/${ORG_ID}/connections/${CONN_ID}`);
    expect(connection.status, connection.text).toBe(200);
    expect(connection.body).toMatchObject({ id: CONN_ID, type: "saml", state: "active", domains: [DOMAIN] });
    expect(connection.body.saml).toMatchObject({ idpEntityId: "https://idp.example.com/entity" });
    expect((await get(`/saml/${CONN_ID}/metadata`, { key: null })).text).toContain("<md:EntityDescriptor");
    const users = await get(`organizations/${ORG_ID}/users`);
    expect(users.body.data.map((u: { id: string }) => u.id)).toEqual([MEMBER_ID]);
    const events = await get(`organizations/${ORG_ID}/events?limit=100`);
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual([
      "user.created",
      "sso_configuration.enabled",
      "connection.activated",
      "connection.created",
      "organization.created",
    ]);

    // Login state: the OIDC cache, the pending login, a live code, the replay cache, the tokens.
    const cache = await orgOp(env, ORG_ID, "getOidcIdpCache", {
      connectionId: CONN_ID,
      issuer: "https://login.example.com",
    });
    expect(cache?.metadata).toEqual({ issuer: "https://login.example.com" });
    const pending = await orgOp(env, ORG_ID, "consumePendingLogin", { relayState: "rs", browserHashes: ["bh"] });
    expect(pending.ok && pending.pending).toMatchObject({ requestId: "_req1", connectionId: CONN_ID, expiresAt: FAR });
    expect(await orgOp(env, ORG_ID, "consumePendingLogin", { relayState: "rs-expired" })).toEqual({
      ok: false,
      reason: "unknown",
    });
    const code = await orgOp(env, ORG_ID, "consumeCode", { codeHash: "a".repeat(64) });
    expect(code).toMatchObject({ clientId: "client_01legacy", memberId: MEMBER_ID, nonce: "n1" });
    expect(code?.profile.groups).toEqual(["staff"]);
    expect(await orgOp(env, ORG_ID, "consumeCode", { codeHash: "e".repeat(64) })).toBeNull();
    expect(await orgOp(env, ORG_ID, "findAccessToken", { tokenHash: "2".repeat(64) })).toMatchObject({
      clientId: "client_01legacy",
      scope: "openid email",
    });
    expect(await orgOp(env, ORG_ID, "findAccessToken", { tokenHash: "9".repeat(64) })).toBeNull();
    const replay = await orgOp(env, ORG_ID, "completeLogin", {
      connectionId: CONN_ID,
      assertion: { id: "_assertion-legacy-1", expiresAt: FAR },
      identity: {
        subject: "jane-subject",
        subjectIsTransient: false,
        email: "jane@acme-legacy.example.com",
        emailVerified: true,
        firstName: "Jane",
        lastName: "Doe",
        groups: [],
        roles: [],
        rawAttributes: {},
      },
      target: {
        clientId: "client_01legacy",
        redirectUri: "https://app.example/cb",
        state: null,
        nonce: null,
        codeChallenge: null,
        scope: "openid",
      },
      codeHash: "c".repeat(64),
      codeExpiresAt: FAR,
      session: { sid: "sid-legacy", saml: null, expiresAt: FAR },
    });
    expect(replay).toMatchObject({ ok: false, reason: "replayed" });
    // The spent code and the token it gave: presenting it again revokes that token.
    expect(await orgOp(env, ORG_ID, "findAccessToken", { tokenHash: "1".repeat(64) })).not.toBeNull();
    expect(await orgOp(env, ORG_ID, "consumeCode", { codeHash: "b".repeat(64) })).toBeNull();
    expect(await orgOp(env, ORG_ID, "findAccessToken", { tokenHash: "1".repeat(64) })).toBeNull();
    const reused = await get(`organizations/${ORG_ID}/events?type=authorization_code.reused`);
    expect(reused.body.data.map((e: { data: unknown }) => e.data)).toEqual([{ revokedAccessTokens: 1 }]);
  });

  it("OrganizationStore: a SAML connection with idpMetadataUrl gets its first metadata refresh within the hour (migration 14)", async () => {
    const stub = env.ORGS.get(env.ORGS.idFromName(`${ORG_ID}-refresh`));
    const url = "https://idp.example.com/metadata.xml";
    const rows = orgV0Rows.replace('"idpMetadataUrl":null', `"idpMetadataUrl":"${url}"`);
    expect(rows).not.toBe(orgV0Rows);
    const start = Date.now();
    await writeAsUnversionedRelease(stub, orgV0, rows);
    const upgraded = await runInDurableObject(stub, (store: OrganizationStore, state) => ({
      refresh: state.storage.sql
        .exec("SELECT connection_id, url, etag, failures, next_at FROM idp_metadata_refresh")
        .toArray(),
      task: store.scheduler.queue.get("metadata-refresh", CONN_ID),
    }));
    expect(upgraded.refresh).toEqual([
      { connection_id: CONN_ID, url, etag: null, failures: 0, next_at: upgraded.task?.dueAt },
    ]);
    expect(upgraded.task?.dueAt).toBeGreaterThanOrEqual(start);
    expect(upgraded.task?.dueAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it("AppStore: every table and row survives and reads back", async () => {
    const stub = env.APP.get(env.APP.idFromName("legacy-upgrade-test"));
    const before = await writeAsUnversionedRelease(stub, appV0, appV0Rows);
    expect(Object.keys(before).sort()).toEqual(
      ["api_keys", "clients", "events", "organizations", "signing_keys", "webhooks"].sort(),
    );
    const after = await inspect(stub, Object.keys(before));
    expect(after.schema).toEqual({ from: 0, to: APP_MIGRATIONS.length, unversioned: true });
    expect(after.versions).toEqual(recorded(APP_MIGRATIONS));
    // Every row kept; the columns migration 2 added to endpoints start empty (enabled since
    // creation), those migration 3 added to clients start as empty lists, and a signing key's
    // start (migration 4) is its creation.
    const added = {
      enabled_at: null,
      previous_secret_sealed: null,
      previous_secret_expires_at: null,
      disabled_reason: null,
    };
    const clientColumns = { post_logout_redirect_uris: "[]", allowed_origins: "[]" };
    expect(after.rows).toEqual({
      ...before,
      webhooks: before.webhooks!.map((row) => ({ ...row, ...added })),
      clients: before.clients!.map((row) => ({ ...row, ...clientColumns })),
      signing_keys: before.signing_keys!.map((row) => ({ ...row, signs_from: null })),
    });
    expect(after.shape).toEqual(await freshShape(env.APP.get(env.APP.newUniqueId())));

    const read = await runInDurableObject(stub, async (store: AppStore) => {
      const now = Date.now();
      return {
        key: await store.run(
          "api-keys",
          "findApiKeyByHash",
          { keyHash: "3d8f6c1e0b1c4a7d9e2f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f809" },
          "system",
          now,
        ),
        client: await store.run("clients", "getClient", { clientId: "client_01m8t1legacy00000000000" }, "system", now),
        webhooks: await store.run("webhooks", "listWebhooks", { limit: 10 }, "system", now),
        orgs: await store.run("organizations", "listOrganizationIds", { limit: 10 }, "system", now),
        // The rows the release before the hour shards mirrored here: the feed still lists them, last.
        events: await store.run("events", "listFeedEvents", { limit: 10 }, "system", now),
        keys: await store.run("signing-keys", "getSigningKeys", { retainMs: 3_600_000 }, "system", now),
      };
    });
    expect(read.key).toMatchObject({
      ok: true,
      value: { id: "key_01m8t1legacy0000000000000", keyPrefix: "ssok_AbCd" },
    });
    expect(read.client).toMatchObject({
      ok: true,
      value: {
        name: "My app",
        redirectUris: ["https://app.example/callback"],
        allowedOrigins: [],
        postLogoutRedirectUris: [],
      },
    });
    expect(read.webhooks).toMatchObject({
      ok: true,
      value: { data: [{ id: "wh_01m8t1legacy000000000000000", enabled: true }] },
    });
    expect(read.orgs).toMatchObject({ ok: true, value: { data: [ORG_ID] } });
    expect(read.events).toMatchObject({ ok: true, value: [{ type: "client.created" }] });
    expect(read.keys).toMatchObject({
      ok: true,
      value: {
        published: [{ kid: "kU3nLegacyThumbprint", signsFrom: "2026-11-22T10:26:01.061Z", retiredAt: null }],
      },
    });
  });

  it("DomainClaim: the claim survives and still refuses a second owner", async () => {
    // The claim's org, as the same release left it (it verified the domain).
    await writeAsUnversionedRelease(env.ORGS.get(env.ORGS.idFromName(ORG_ID)), orgV0, orgV0Rows);
    const stub = env.DOMAIN_CLAIMS.get(env.DOMAIN_CLAIMS.idFromName(DOMAIN));
    const before = await writeAsUnversionedRelease(stub, claimV0, claimV0Rows);
    const after = await inspect(stub, Object.keys(before));
    expect(after.schema).toEqual({ from: 0, to: DOMAIN_CLAIM_MIGRATIONS.length, unversioned: true });
    expect(after.versions).toEqual(recorded(DOMAIN_CLAIM_MIGRATIONS));
    expect(after.rows).toEqual(before);
    expect(after.shape).toEqual(await freshShape(env.DOMAIN_CLAIMS.get(env.DOMAIN_CLAIMS.newUniqueId())));
    expect(await stub.owner()).toBe(ORG_ID);
    for (const verified of [true, false]) {
      expect(await stub.claim(DOMAIN, "org_01m8t1zzzzzzzzzzzzzzzzzzzz", Date.now(), verified)).toEqual({
        claimed: false,
      });
    }
    expect(await stub.owner()).toBe(ORG_ID);
  });

  it("DomainClaim: an owner row the older release wrote for an unverified claim is settled, and blocks nobody", async () => {
    const domain = `bigcorp-legacy-${crypto.randomUUID().slice(0, 8)}.example.com`;
    // The squatter added the domain with its org-scoped key: unverified in its org...
    const squatter = await createOrg({ name: "Squatter" });
    const { key } = await mintKey(`organization:${squatter.id}`);
    expectStatus(await patch(`organizations/${squatter.id}`, { domains: [domain] }, { key }), 200);
    // ...and the older release made that claim the exclusive owner row.
    const stub = env.DOMAIN_CLAIMS.get(env.DOMAIN_CLAIMS.idFromName(domain));
    await writeAsUnversionedRelease(
      stub,
      claimV0,
      `INSERT INTO claim VALUES ('${domain}', '${squatter.id}', '2026-11-22T10:26:01.061Z')`,
    );
    expect((await inspect(stub, ["claim", "unsettled_claim", "pending_claims"])).rows).toEqual({
      claim: [{ domain, organization_id: squatter.id, claimed_at: "2026-11-22T10:26:01.061Z" }],
      unsettled_claim: [{ organization_id: squatter.id }],
      pending_claims: [],
    });

    // The real org's claim meets it: the squatter's org says it never verified it.
    const real = await post("organizations", { name: "BigCorp", domains: [domain] });
    expectStatus(real, 201);
    expect(await stub.owner()).toBe(real.body.id);
    expect((await get(`organizations/${squatter.id}`)).body.domains).toEqual([]);
    const removed = await get(`organizations/${squatter.id}/events?type=domain.removed`);
    expect(removed.body.data.map((e: { target: string }) => e.target)).toEqual([domain]);
    expect(await env.DOMAINS.get(domain, "json")).toEqual({ organizationId: real.body.id, connectionId: null });
  });

  it("DomainClaim: an older release's owner row whose org is gone frees the domain", async () => {
    const domain = `gone-legacy-${crypto.randomUUID().slice(0, 8)}.example.com`;
    const stub = env.DOMAIN_CLAIMS.get(env.DOMAIN_CLAIMS.idFromName(domain));
    await writeAsUnversionedRelease(
      stub,
      claimV0,
      `INSERT INTO claim VALUES ('${domain}', 'org_01m8t1gonegonegonegonegone', '2026-11-22T10:26:01.061Z')`,
    );
    expectStatus(await post("organizations", { name: "Heir", domains: [domain] }), 201);
  });

  it("a started object is not migrated again", async () => {
    const stub = env.ORGS.get(env.ORGS.newUniqueId());
    const first = await runInDurableObject(stub, (store: OrganizationStore) => store.schema);
    expect(first).toEqual({ from: 0, to: ORG_MIGRATIONS.length, unversioned: false });
    await evictDurableObject(stub);
    expect(await runInDurableObject(stub, (store: OrganizationStore) => store.schema)).toEqual({
      from: ORG_MIGRATIONS.length,
      to: ORG_MIGRATIONS.length,
      unversioned: false,
    });
  });

  it("migration 1 of each object is the unversioned release's schema, verbatim", async () => {
    for (const [migrations, fixture] of [
      [ORG_MIGRATIONS, orgV0],
      [APP_MIGRATIONS, appV0],
      [DOMAIN_CLAIM_MIGRATIONS, claimV0],
    ] as const) {
      const released = await shapeBuiltBy((sql) => void sql.exec(fixture));
      expect(released.length).toBeGreaterThan(0);
      expect(await shapeBuiltBy((sql) => migrations[0]!.up(sql, new Date()))).toEqual(released);
    }
  });
});
