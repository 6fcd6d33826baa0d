/** SPEC §2 `setup-links`: create, list with status, revoke, the token stored hashed, SSO gating. */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/crypto/hash";
import { orgIdOfToken } from "../../../src/lib/ids";
import { BASE, createOrg, del, expectProblem, expectStatus, get, mintKey, orgEvents, post } from "./helpers";

async function createLink(orgId: string, body: Record<string, unknown> = {}, key?: string) {
  const response = await post(`organizations/${orgId}/setup-links`, body, key ? { key } : undefined);
  expectStatus(response, 201);
  return response.body as { id: string; url: string; expiresAt: string };
}

const tokenOf = (url: string) => url.slice(`${BASE}/setup/`.length);

async function listLinks(orgId: string) {
  const response = await get(`organizations/${orgId}/setup-links`);
  expectStatus(response, 200);
  return response.body.data as Record<string, unknown>[];
}

describe("setup links", () => {
  it("creates a link whose URL holds a 256-bit token embedding the org, valid for a day by default", async () => {
    const org = await createOrg();
    const before = Date.now();
    const link = await createLink(org.id);
    expect(link.id).toMatch(/^sl_[0-9a-z]{26}$/);
    expect(link.url.startsWith(`${BASE}/setup/`)).toBe(true);
    const token = tokenOf(link.url);
    expect(orgIdOfToken(token)).toBe(org.id);
    // 43 base64url characters after the org part: 256 random bits.
    expect(token.split(".")[1]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expiresAt = Date.parse(link.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 86_400_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 86_400_000 + 1000);
  });

  it("stores only the token's hash in the org's object", async () => {
    const org = await createOrg();
    const link = await createLink(org.id, { connectionType: "saml", expiresInSeconds: 600 });
    const token = tokenOf(link.url);
    const stub = env.ORGS.get(env.ORGS.idFromName(org.id));
    const rows = await runInDurableObject(stub, async (_instance, state) =>
      state.storage.sql.exec("SELECT * FROM setup_links").toArray(),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(await sha256Hex(token));
    expect(JSON.stringify(rows)).not.toContain(token.split(".")[1]);
  });

  it("lists each link with status, type, connection and times, in the shape SPEC §2 gives", async () => {
    const org = await createOrg();
    const a = await createLink(org.id, { connectionType: "oidc", scim: true });
    const b = await createLink(org.id);
    expectStatus(await del(`organizations/${org.id}/setup-links/${b.id}`), 204);
    const links = await listLinks(org.id);
    expect(links).toEqual([
      {
        id: a.id,
        status: "active",
        connectionType: "oidc",
        connectionId: null,
        scim: true,
        expiresAt: a.expiresAt,
        createdAt: expect.any(String),
      },
      {
        id: b.id,
        status: "revoked",
        connectionType: null,
        connectionId: null,
        scim: false,
        expiresAt: b.expiresAt,
        createdAt: expect.any(String),
        revokedAt: expect.any(String),
      },
    ]);
    expect(links.some((l) => "url" in l || "token" in l)).toBe(false);
    const one = await get(`organizations/${org.id}/setup-links/${a.id}`);
    expectStatus(one, 200);
    expect(one.body.status).toBe("active");
  });

  it("shows a link past its expiry as expired", async () => {
    const org = await createOrg();
    const link = await createLink(org.id, { expiresInSeconds: 60 });
    const stub = env.ORGS.get(env.ORGS.idFromName(org.id));
    await runInDurableObject(stub, async (_instance, state) => {
      state.storage.sql.exec("UPDATE setup_links SET expires_at = ? WHERE id = ?", Date.now() - 1, link.id);
    });
    expect((await listLinks(org.id))[0]).toMatchObject({ id: link.id, status: "expired" });
  });

  it("validates expiresInSeconds (60…2592000) and refuses unknown fields", async () => {
    const org = await createOrg();
    for (const body of [
      { expiresInSeconds: 59 },
      { expiresInSeconds: 2_592_001 },
      { expiresInSeconds: 1.5 },
      { connectionType: "kerberos" },
      { scope: "admin" },
    ]) {
      const response = await post(`organizations/${org.id}/setup-links`, body);
      expectProblem(response, 400, "validation_failed");
    }
    await createLink(org.id, { expiresInSeconds: 60 });
    await createLink(org.id, { expiresInSeconds: 2_592_000 });
  });

  it("records creation and revocation as audit events; a second DELETE changes nothing", async () => {
    const org = await createOrg();
    const link = await createLink(org.id);
    expectStatus(await del(`organizations/${org.id}/setup-links/${link.id}`), 204);
    expectStatus(await del(`organizations/${org.id}/setup-links/${link.id}`), 204);
    const events = await orgEvents(org.id);
    expect(events.filter((e) => e.type === "setup_link.created").map((e) => e.target)).toEqual([link.id]);
    expect(events.filter((e) => e.type === "setup_link.revoked").map((e) => e.target)).toEqual([link.id]);
    expect(JSON.stringify(events)).not.toContain(tokenOf(link.url));
    expectProblem(await del(`organizations/${org.id}/setup-links/sl_unknown`), 404, "not_found");
  });

  it("is refused while SSO is disallowed, and disallowing revokes every live link for good", async () => {
    const org = await createOrg();
    const link = await createLink(org.id);
    expectStatus(await post(`organizations/${org.id}/disallow_sso`), 200);
    expectProblem(await post(`organizations/${org.id}/setup-links`, {}), 403, "sso_not_allowed");
    expect((await listLinks(org.id))[0]).toMatchObject({ id: link.id, status: "revoked" });
    expectStatus(await post(`organizations/${org.id}/allow_sso`), 200);
    expect((await listLinks(org.id))[0]).toMatchObject({ id: link.id, status: "revoked" });
    const disallowed = (await orgEvents(org.id)).find((e) => e.type === "organization.sso_disallowed");
    expect(disallowed?.data).toMatchObject({ revokedSetupLinks: 1 });
  });

  it("may be used by the org's own scoped key, not by another org's", async () => {
    const org = await createOrg();
    const other = await createOrg({ name: "Other" });
    const own = await mintKey(`organization:${org.id}`);
    const link = await createLink(org.id, {}, own.key);
    const events = await orgEvents(org.id);
    expect(events.find((e) => e.type === "setup_link.created")?.actor).toBe(`api_key:${own.id}`);
    expectProblem(await post(`organizations/${other.id}/setup-links`, {}, { key: own.key }), 403, "forbidden");
    expectProblem(await get(`organizations/${other.id}/setup-links`, { key: own.key }), 403, "forbidden");
    expectProblem(await del(`organizations/${org.id}/setup-links/${link.id}`, { key: null }), 401, "unauthorized");
  });
});
