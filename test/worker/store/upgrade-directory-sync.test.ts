/**
 * Org migration 8 (directory sync, SPEC §10) on an org that already has members: an org
 * object as release 7 left it — schema versions 1–7 recorded, a member its SAML login
 * provisioned just in time — upgrades when today's code starts it. The JIT member keeps its
 * source and still signs in as the same member, and the IdP's first SCIM push with that
 * email adopts the member instead of failing or creating a second one (Okta's first push
 * meets existing users).
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { ORG_MIGRATIONS } from "../../../src/store/migrations/org-migrations";
import { runMigrations } from "../../../src/store/migrations/run-migrations";
import type { OrganizationStore } from "../../../src/store/organization-store";
import { get, orgEvents, post } from "../admin/helpers";
import { BASE, exchangeCode, PERSISTENT_NAME_ID, samlLogin, seedSaml, type Seeded } from "../flow/flow-helpers";
import { scim } from "../scim/helpers";
import { tableRows } from "./legacy-object";

const BEFORE_DIRECTORY_SYNC = ORG_MIGRATIONS.findIndex((m) => m.name === "directory-sync");

const OWN_TABLES = `SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations'
  AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`;

/** A SAML login through the dev IdP to a token response; returns the ID token's subject. */
async function signIn(s: Seeded, email: string, nameId: string): Promise<string> {
  const acs = await samlLogin(s, email, { nameIdFormat: PERSISTENT_NAME_ID, nameId });
  expect(acs.status, await acs.clone().text()).toBe(302);
  const code = new URL(acs.headers.get("location")!).searchParams.get("code");
  expect(code, acs.headers.get("location")!).toBeTruthy();
  const tokens = await exchangeCode(s, code!);
  expect(tokens.status).toBe(200);
  return decodeJwt((await tokens.json<{ id_token: string }>()).id_token).sub!;
}

/**
 * Rewrites the org's object as release 7 left it: its rows, in the tables and columns that
 * migrations 1–7 make, with those versions recorded; then evicts it, so the next call starts
 * it with today's code. Returns the tables the later migrations added (their rows are gone).
 */
async function rollBackToRelease7(orgId: string): Promise<string[]> {
  const stub = env.ORGS.get(env.ORGS.idFromName(orgId));
  const dropped = await runInDurableObject(stub, (_store: OrganizationStore, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>(OWN_TABLES)
      .toArray()
      .map((t) => t.name);
    const rows = Object.fromEntries(tables.map((t) => [t, tableRows(state, t)]));
    for (const table of [...tables, "schema_migrations"]) sql.exec(`DROP TABLE "${table}"`);
    runMigrations(state.storage, ORG_MIGRATIONS.slice(0, BEFORE_DIRECTORY_SYNC), new Date());
    const release7 = new Set(
      sql
        .exec<{ name: string }>(OWN_TABLES)
        .toArray()
        .map((t) => t.name),
    );
    for (const table of release7) {
      const columns = sql
        .exec<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
        .toArray()
        .map((c) => c.name);
      for (const row of rows[table] ?? []) {
        sql.exec(
          `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
          ...columns.map((c) => row[c] ?? null),
        );
      }
    }
    return tables.filter((t) => !release7.has(t));
  });
  await evictDurableObject(stub);
  return dropped;
}

describe("org migration 8 (directory sync) over a JIT-provisioned member", () => {
  it("the member keeps its source and signs in; the first SCIM create with its email adopts it", async () => {
    const s = await seedSaml({ org: { jitProvisioning: true } });
    const email = `jane@${s.domain}`;
    const memberId = await signIn(s, email, "p-jane");
    expect((await orgEvents(s.orgId, "&type=user.created")).map((e) => e.data)).toEqual([
      { source: "jit", connectionId: s.connectionId },
    ]);

    const dropped = await rollBackToRelease7(s.orgId);
    expect(dropped).toEqual(expect.arrayContaining(["scim_tokens", "scim_groups", "scim_group_members"]));
    const stub = env.ORGS.get(env.ORGS.idFromName(s.orgId));
    const upgraded = await runInDurableObject(stub, (store: OrganizationStore, state) => ({
      schema: store.schema,
      member: state.storage.sql
        .exec("SELECT id, email, source, user_name, active, deleted_at, version FROM members")
        .toArray(),
    }));
    expect(upgraded.schema).toEqual({ from: BEFORE_DIRECTORY_SYNC, to: ORG_MIGRATIONS.length, unversioned: false });
    // `source` comes from the member's user.created event.
    expect(upgraded.member).toEqual([
      { id: memberId, email, source: "jit", user_name: null, active: 1, deleted_at: null, version: 1 },
    ]);
    const members = await get(`organizations/${s.orgId}/users`);
    expect(members.body.data).toMatchObject([{ id: memberId, email, source: "jit", active: true }]);

    // The JIT member still signs in, as the same member.
    expect(await signIn(s, email, "p-jane")).toBe(memberId);

    // The IdP's first push: a SCIM create with the member's email adopts it (201, same id).
    const minted = await post(`organizations/${s.orgId}/scim-tokens`, { name: "Okta" });
    expect(minted.status).toBe(201);
    const directory = { base: `${BASE}/scim/v2/${s.orgId}`, token: minted.body.token };
    const created = await scim(directory, "POST", "/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: email,
      externalId: "00u-okta-jane",
      name: { givenName: "Jane", familyName: "Doe" },
      emails: [{ value: email, type: "work", primary: true }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: memberId, userName: email, externalId: "00u-okta-jane", active: true });
    const [adopted] = await orgEvents(s.orgId, "&type=user.updated");
    expect(adopted).toMatchObject({
      target: memberId,
      actor: `scim_token:${minted.body.id}`,
      data: { source: "scim", adopted: true, previousSource: "jit" },
    });
    expect((await get(`organizations/${s.orgId}/users`)).body.data).toMatchObject([
      { id: memberId, source: "scim", externalId: "00u-okta-jane" },
    ]);
    const listed = await scim(directory, "GET", `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`);
    expect(listed.body).toMatchObject({ totalResults: 1, Resources: [{ id: memberId }] });

    // Now SCIM-managed, it signs in as the same member still, and no second member appeared.
    expect(await signIn(s, email, "p-jane")).toBe(memberId);
    expect((await get(`organizations/${s.orgId}/users`)).body.data).toHaveLength(1);
  }, 60_000);
});
