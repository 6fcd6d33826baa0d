import { describe, expect, it } from "vitest";
import {
  createActiveSamlConnection,
  createOrg,
  del,
  expectProblem,
  expectStatus,
  get,
  mintKey,
  oidcFieldsWithEndpoints,
  post,
} from "./helpers";

describe("lifecycle rules", () => {
  it("activeSso returns to none when its last active connection goes, and the next activation takes over", async () => {
    const org = await createOrg();
    const saml = await createActiveSamlConnection(org.id);
    expect((await get(`organizations/${org.id}/sso`)).body.activeSso).toBe("saml");
    await post(`organizations/${org.id}/connections/${saml.id}/deactivate`);
    expect((await get(`organizations/${org.id}/sso`)).body.activeSso).toBe("none");
    const oidc = await post(`organizations/${org.id}/connections`, { type: "oidc", oidc: oidcFieldsWithEndpoints() });
    expectStatus(await post(`organizations/${org.id}/connections/${oidc.body.id}/activate`), 200);
    expect((await get(`organizations/${org.id}/sso`)).body.activeSso).toBe("oidc");
    expectStatus(await del(`organizations/${org.id}/connections/${oidc.body.id}`), 204);
    expect((await get(`organizations/${org.id}/sso`)).body.activeSso).toBe("none");
  });

  it("keeps activeSso while another active connection of its type remains", async () => {
    const org = await createOrg();
    const first = await createActiveSamlConnection(org.id);
    await createActiveSamlConnection(org.id);
    await post(`organizations/${org.id}/connections/${first.id}/deactivate`);
    expect((await get(`organizations/${org.id}/sso`)).body.activeSso).toBe("saml");
  });

  it("deleting an org revokes its org-scoped keys", async () => {
    const org = await createOrg();
    const key = await mintKey(`organization:${org.id}`);
    expectStatus(await get(`organizations/${org.id}`, { key: key.key }), 200);
    expectStatus(await del(`organizations/${org.id}`), 204);
    expectProblem(await get(`organizations/${org.id}`, { key: key.key }), 401, "unauthorized");
    const keys = await get("api-keys?limit=100");
    expect((keys.body.data as Array<{ id: string }>).some((k) => k.id === key.id)).toBe(false);
  });

  it("records when a minted key was last used", async () => {
    const key = await mintKey("admin");
    const before = (await get("api-keys?limit=100")).body.data.find((k: { id: string }) => k.id === key.id);
    expect(before.lastUsedAt).toBeNull();
    expectStatus(await get("organizations", { key: key.key }), 200);
    const after = (await get("api-keys?limit=100")).body.data.find((k: { id: string }) => k.id === key.id);
    expect(Date.parse(after.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("an org-scoped key gets sso_not_allowed on …/sso/connection while SSO is disallowed", async () => {
    const org = await createOrg();
    await createActiveSamlConnection(org.id);
    const key = await mintKey(`organization:${org.id}`);
    expectStatus(await get(`organizations/${org.id}/sso/connection`, { key: key.key }), 200);
    await post(`organizations/${org.id}/disallow_sso`);
    expectProblem(await get(`organizations/${org.id}/sso/connection`, { key: key.key }), 403, "sso_not_allowed");
  });
});
