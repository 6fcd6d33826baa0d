/**
 * State lives in Durable Object storage, not in instance memory: after the objects are
 * evicted (torn down and restarted), every admin resource reads back unchanged and
 * keys, claims and routing still hold.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { routeLoginByEmail } from "../../../src/domains/route-login";
import {
  appEventsHolding,
  createActiveSamlConnection,
  createOrg,
  expectProblem,
  expectStatus,
  get,
  mintKey,
  post,
  uniqueDomain,
} from "./helpers";

/** Evicts an object if it is running (evictDurableObject rejects for an idle one); true when it was. */
async function evict(stub: DurableObjectStub): Promise<boolean> {
  try {
    await evictDurableObject(stub);
    return true;
  } catch (error) {
    if (error instanceof Error && /not (currently )?running/i.test(error.message)) return false;
    throw error;
  }
}

async function evictEverything(orgIds: string[], domains: string[]): Promise<void> {
  // The org objects were just used, so they are running: their eviction must happen.
  for (const id of orgIds) expect(await evict(env.ORGS.get(env.ORGS.idFromName(id)))).toBe(true);
  for (const shard of ["organizations", "clients", "api-keys", "webhooks", "events"])
    await evict(env.APP.get(env.APP.idFromName(shard)));
  for (const domain of domains) await evict(env.DOMAIN_CLAIMS.get(env.DOMAIN_CLAIMS.idFromName(domain)));
}

describe("eviction", () => {
  it("keeps orgs, connections, users, events, clients, keys, webhooks and domain claims", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    const connection = await createActiveSamlConnection(org.id, { domains: [domain] });
    const user = await post(`organizations/${org.id}/users`, { email: "kept@acme.example" });
    const client = await post("clients", { name: "Kept", redirectUris: ["https://kept.example/cb"] });
    const { key } = await mintKey(`organization:${org.id}`);
    const hook = await post("webhooks", { url: "https://hooks.example.com/kept", events: ["user.created"] });
    // The feed is a copy made by each object's own task: let it catch up before taking the picture.
    const own = (await get(`organizations/${org.id}/events?limit=100`)).body.data as { id: string }[];
    await appEventsHolding({ ids: own.map((e) => e.id), types: ["webhook.created", "api_key.created"] });

    const before = {
      org: (await get(`organizations/${org.id}`)).body,
      connection: (await get(`organizations/${org.id}/connections/${connection.id}`)).body,
      spMetadata: (await get(`/saml/${connection.id}/metadata`, { key: null })).text,
      users: (await get(`organizations/${org.id}/users`)).body,
      events: (await get(`organizations/${org.id}/events?limit=100`)).body,
      appEvents: (await get("events?limit=100")).body,
      client: (await get(`clients/${client.body.clientId}`)).body,
      hook: (await get(`webhooks/${hook.body.id}`)).body,
      keys: (await get("api-keys?limit=100")).body,
    };

    await evictEverything([org.id], [domain]);

    expect((await get(`organizations/${org.id}`)).body).toEqual(before.org);
    expect((await get(`organizations/${org.id}/connections/${connection.id}`)).body).toEqual(before.connection);
    expect((await get(`/saml/${connection.id}/metadata`, { key: null })).text).toBe(before.spMetadata);
    expect((await get(`organizations/${org.id}/users`)).body).toEqual(before.users);
    expect((await get(`organizations/${org.id}/events?limit=100`)).body).toEqual(before.events);
    expect((await get("events?limit=100")).body).toEqual(before.appEvents);
    expect((await get(`clients/${client.body.clientId}`)).body).toEqual(before.client);
    expect((await get(`webhooks/${hook.body.id}`)).body).toEqual(before.hook);
    expect((await get("api-keys?limit=100")).body).toEqual(before.keys);
    expect(user.body.id).toBe(before.users.data[0].id);

    // Minted keys still authenticate; claims still refuse a second owner; routing still works.
    expectStatus(await get(`organizations/${org.id}`, { key }), 200);
    expectProblem(await post("organizations", { name: "thief", domains: [domain] }), 409, "domain_taken");
    await env.DOMAINS.delete(domain);
    const routed = await routeLoginByEmail(env, `a@${domain}`);
    expect(routed.ok && routed.connection.id).toBe(connection.id);
  });

  it("evicting mid-lifecycle loses no step: activate after a restart", async () => {
    const org = await createOrg();
    const draft = await post(`organizations/${org.id}/connections`, {
      type: "oidc",
      oidc: {
        issuer: "https://login.example.com",
        clientId: "x",
        clientSecret: "y",
        authorizationEndpoint: "https://login.example.com/a",
        tokenEndpoint: "https://login.example.com/t",
        jwksUri: "https://login.example.com/j",
      },
    });
    expectStatus(draft, 201);
    await evictEverything([org.id], []);
    // The sealed client secret survived too: activation sees it as set.
    const activated = await post(`organizations/${org.id}/connections/${draft.body.id}/activate`);
    expectStatus(activated, 200);
    expect(activated.body.oidc.clientSecretSet).toBe(true);
    await evictEverything([org.id], []);
    expect((await get(`organizations/${org.id}/sso`)).body).toEqual({
      activeSso: "oidc",
      availableSso: ["none", "oidc"],
    });
  });
});
