/** SPEC §2 "Auth": the root key, minted app-wide and org-scoped keys, 401 and 403. */
import { describe, expect, it } from "vitest";
import {
  createActiveSamlConnection,
  createOrg,
  createSamlConnection,
  del,
  expectProblem,
  expectStatus,
  get,
  mintKey,
  patch,
  post,
  ROOT_KEY,
} from "./helpers";

describe("authentication", () => {
  it("refuses a missing, malformed or unknown key with 401 unauthorized", async () => {
    expectProblem(await get("organizations", { key: null }), 401, "unauthorized");
    expectProblem(await get("organizations", { key: "not-a-real-key" }), 401, "unauthorized");
    expectProblem(await get("organizations", { key: `${ROOT_KEY}x` }), 401, "unauthorized");
    expectProblem(
      await get("organizations", { key: null, headers: { authorization: `Basic ${btoa("a:b")}` } }),
      401,
      "unauthorized",
    );
    expectProblem(await get("organizations", { key: null, headers: { authorization: "Bearer" } }), 401, "unauthorized");
    expectProblem(await get("clients", { key: null }), 401, "unauthorized");
  });

  it("checks the key before the body: no 400 or 415 leaks to an anonymous caller", async () => {
    expectProblem(await post("organizations", { bogus: true }, { key: null }), 401, "unauthorized");
    expectProblem(
      await post("organizations", undefined, { key: null, contentType: "text/plain" }),
      401,
      "unauthorized",
    );
  });

  it("accepts the root key and the bearer scheme in any case", async () => {
    expectStatus(await get("organizations"), 200);
    expectStatus(await get("organizations", { key: null, headers: { authorization: `bearer ${ROOT_KEY}` } }), 200);
  });

  it("accepts a minted app-wide key everywhere, and refuses it once revoked", async () => {
    const minted = await mintKey("admin");
    expect(minted.key).toMatch(/^ssok_/);
    const org = await createOrg({}, minted.key);
    expectStatus(await get(`organizations/${org.id}`, { key: minted.key }), 200);
    expectStatus(await get("clients", { key: minted.key }), 200);
    expectStatus(await get("events", { key: minted.key }), 200);
    expectStatus(await del(`api-keys/${minted.id}`), 204);
    expectProblem(await get("organizations", { key: minted.key }), 401, "unauthorized");
  });

  it("records the minted key as the actor of its changes", async () => {
    const minted = await mintKey("admin");
    const org = await createOrg({}, minted.key);
    const events = (await get(`organizations/${org.id}/events`)).body.data as { type: string; actor: string }[];
    expect(events.find((e) => e.type === "organization.created")?.actor).toBe(`api_key:${minted.id}`);
  });
});

describe("org-scoped keys", () => {
  it("reach their own organization and its sub-resources", async () => {
    const org = await createOrg();
    const { key } = await mintKey(`organization:${org.id}`);
    expectStatus(await get(`organizations/${org.id}`, { key }), 200);
    expectStatus(await patch(`organizations/${org.id}`, { name: "Renamed" }, { key }), 200);
    expectStatus(await get(`organizations/${org.id}/sso`, { key }), 200);
    expectStatus(await get(`organizations/${org.id}/users`, { key }), 200);
    expectStatus(await get(`organizations/${org.id}/events`, { key }), 200);
    const connection = await createSamlConnection(org.id, {}, key);
    expectStatus(await get(`organizations/${org.id}/connections/${connection.id}`, { key }), 200);
    expectStatus(await get(`organizations/${org.id}/connections/${connection.id}/sp-metadata`, { key }), 200);
  });

  it("get 403 forbidden on another organization", async () => {
    const mine = await createOrg();
    const other = await createOrg();
    const connection = await createSamlConnection(other.id);
    const { key } = await mintKey(`organization:${mine.id}`);
    const paths = [
      `organizations/${other.id}`,
      `organizations/${other.id}/sso`,
      `organizations/${other.id}/sso/connection`,
      `organizations/${other.id}/connections`,
      `organizations/${other.id}/connections/${connection.id}`,
      `organizations/${other.id}/connections/${connection.id}/sp-metadata`,
      `organizations/${other.id}/users`,
      `organizations/${other.id}/events`,
    ];
    for (const path of paths) expectProblem(await get(path, { key }), 403, "forbidden");
    expectProblem(await patch(`organizations/${other.id}`, { name: "x" }, { key }), 403, "forbidden");
    expectProblem(await post(`organizations/${other.id}/connections`, { type: "saml" }, { key }), 403, "forbidden");
    expectProblem(await post(`organizations/${other.id}/users`, { email: "a@b.example" }, { key }), 403, "forbidden");
    expectProblem(await del(`organizations/${other.id}/connections/${connection.id}`, { key }), 403, "forbidden");
    // The other org is untouched.
    expectStatus(await get(`organizations/${other.id}/connections/${connection.id}`), 200);
  });

  it("get 403 forbidden on app-wide resources", async () => {
    const org = await createOrg();
    const { key } = await mintKey(`organization:${org.id}`);
    const refused = [
      () => get("clients", { key }),
      () => post("clients", { name: "c", redirectUris: ["https://app.example/cb"] }, { key }),
      () => get("api-keys", { key }),
      () => post("api-keys", { name: "escalate", scope: "admin" }, { key }),
      () => get("webhooks", { key }),
      () => post("webhooks", { url: "https://hooks.example/x", events: ["user.created"] }, { key }),
      () => get("events", { key }),
      () => get("organizations", { key }),
      () => post("organizations", { name: "new" }, { key }),
      () => del(`organizations/${org.id}`, { key }),
      () => post(`organizations/${org.id}/allow_sso`, {}, { key }),
      () => post(`organizations/${org.id}/disallow_sso`, {}, { key }),
      () => post(`organizations/${org.id}/domains/example.org/verify`, {}, { key }),
    ];
    for (const request of refused) expectProblem(await request(), 403, "forbidden");
    expectStatus(await get(`organizations/${org.id}`), 200);
  });

  it("get 403 sso_not_allowed on every connection route while the org's SSO is disallowed", async () => {
    const org = await createOrg();
    const active = await createActiveSamlConnection(org.id);
    const { key } = await mintKey(`organization:${org.id}`);
    expectStatus(await post(`organizations/${org.id}/disallow_sso`), 200);
    const c = `organizations/${org.id}/connections/${active.id}`;
    const requests = [
      () => get(`organizations/${org.id}/connections`, { key }),
      () => post(`organizations/${org.id}/connections`, { type: "saml" }, { key }),
      () => get(c, { key }),
      () => patch(c, { name: "x" }, { key }),
      () => del(c, { key }),
      () => post(`${c}/activate`, {}, { key }),
      () => post(`${c}/deactivate`, {}, { key }),
      () => get(`${c}/sp-metadata`, { key }),
      () => post(`${c}/idp-metadata`, { metadataXml: "<x/>" }, { key }),
    ];
    for (const request of requests) expectProblem(await request(), 403, "sso_not_allowed");
    // Nothing changed.
    expect((await get(c)).body.state).toBe("active");
    expect((await get(`organizations/${org.id}/connections`)).body.data).toHaveLength(1);
  });
});
