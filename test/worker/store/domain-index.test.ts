/**
 * The KV domain index follows the org operations themselves (issue 9): an operation that
 * changes how the org's domains route reports the routing with its result, and `orgOp`
 * hands the report to src/domains/domain-index.ts. No admin route is involved here: the
 * operations are called directly, as any future caller (the setup portal, SCIM) would.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { OrganizationStore } from "../../../src/store/organization-store";
import { orgOp } from "../../../src/store/stores";
import { completeSamlFields, createOrg, createSamlConnection, uniqueDomain } from "../admin/helpers";

const kv = (domain: string) => env.DOMAINS.get(domain, "json");

describe("domain index", () => {
  it("every routing change of an org operation reaches KV, with no route refreshing it", async () => {
    const [main, extra] = [uniqueDomain(), uniqueDomain()];
    const org = await createOrg({ domains: [main] });
    expect(await kv(main)).toEqual({ organizationId: org.id, connectionId: null });
    const draft = await createSamlConnection(org.id, { saml: await completeSamlFields() });

    const activated = await orgOp(env, org.id, "activateConnection", {
      id: draft.id,
      expectedUpdatedAt: draft.updatedAt,
    });
    expect(await kv(main)).toEqual({ organizationId: org.id, connectionId: activated.id });

    await orgOp(env, org.id, "setSsoAllowed", false);
    expect(await kv(main)).toEqual({ organizationId: org.id, connectionId: null });
    await orgOp(env, org.id, "setSsoAllowed", true);
    expect(await kv(main)).toEqual({ organizationId: org.id, connectionId: activated.id });

    // The domain index only holds verified domains; claims are the caller's (claim-domains.ts).
    await orgOp(env, org.id, "addDomains", { domains: [extra], verified: false });
    expect(await kv(extra)).toBeNull();
    await orgOp(env, org.id, "addDomains", { domains: [extra], verified: true });
    expect(await kv(extra)).toEqual({ organizationId: org.id, connectionId: activated.id });

    await orgOp(env, org.id, "deactivateConnection", { id: activated.id });
    expect(await kv(main)).toEqual({ organizationId: org.id, connectionId: null });
    expect(await kv(extra)).toEqual({ organizationId: org.id, connectionId: null });

    await orgOp(env, org.id, "removeDomains", { domains: [extra] });
    expect(await kv(extra)).toBeNull();
    expect(await kv(main)).toEqual({ organizationId: org.id, connectionId: null });

    await orgOp(env, org.id, "putOidcMetadata", {
      connectionId: activated.id,
      issuer: "https://login.example.com",
      metadata: null,
      fetchedAt: Date.now(),
    });
    await orgOp(env, org.id, "deleteOrganization", undefined);
    expect(await kv(main)).toBeNull();
    // Deleting the org wipes every table of its data (the schema's bookkeeping stays), once
    // its outbox has sent its last events (organization.deleted) on: run its tasks a minute ahead.
    const stub = env.ORGS.get(env.ORGS.idFromName(org.id));
    await runInDurableObject(stub, async (store: OrganizationStore) => {
      store.useClock(() => Date.now() + 60_000);
      await store.scheduler.runDue();
    });
    const left = await runInDurableObject(stub, (_s: OrganizationStore, state) =>
      state.storage.sql
        .exec<{ name: string }>(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations', 'scheduled_tasks', 'sqlite_sequence')
           AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'`,
        )
        .toArray()
        .filter(({ name }) => state.storage.sql.exec(`SELECT 1 FROM "${name}" LIMIT 1`).toArray().length > 0)
        .map(({ name }) => name),
    );
    expect(left).toEqual([]);
  });

  it("an operation reports the routing only when it changed it", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    const stub = env.ORGS.get(env.ORGS.idFromName(org.id));
    const reports = await runInDurableObject(stub, async (store: OrganizationStore) => {
      const now = Date.now();
      return {
        read: (await store.run("getOrganization", undefined, "system", now)).domainIndex,
        rename: (await store.run("updateOrganization", { name: "Renamed" }, "system", now)).domainIndex,
        unchanged: (await store.run("setSsoAllowed", true, "system", now)).domainIndex,
        refused: (await store.run("setActiveSso", "saml", "system", now)).domainIndex,
        disallow: (await store.run("setSsoAllowed", false, "system", now)).domainIndex,
      };
    });
    expect(reports.read).toBeNull();
    expect(reports.rename).toBeNull();
    expect(reports.unchanged).toBeNull(); // already allowed: nothing changed
    expect(reports.refused).toBeNull(); // 409: rolled back
    expect(reports.disallow).toEqual({
      organizationId: org.id,
      entries: [{ domain, connectionId: null }],
      removed: [],
    });
  });
});
