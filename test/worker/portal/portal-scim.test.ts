/**
 * SPEC §2 `setup-links {scim: true}` and §10: the portal's SCIM step mints a SCIM token for
 * the org (hashed, shown once, actor `setup_link:{id}`), shows the SCIM base URL and a guide
 * per IdP; a link created without `scim: true` cannot mint one, by any route.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/crypto/hash";
import { BASE, del, get, orgEvents, post } from "../admin/helpers";
import { chooseIdp, newLink, open, rows, submit, type Link } from "./portal-helpers";

const scimBase = (link: Link) => `${BASE}/scim/v2/${link.orgId}`;

function scimGet(link: Link, token: string): Promise<Response> {
  return exports.default.fetch(`${scimBase(link)}/Users`, { headers: { authorization: `Bearer ${token}` } });
}

/** Posts the SCIM step's form; returns the page and the token it shows. */
async function mint(link: Link): Promise<{ status: number; html: string; token: string | null }> {
  const response = await submit(link, "/scim-token", {});
  const html = await response.text();
  return { status: response.status, html, token: /<code id="scim-token">(scim_[^<]+)<\/code>/.exec(html)?.[1] ?? null };
}

describe("setup portal: the SCIM step", () => {
  it("a link with scim: true lists scim in GET and offers the step with the base URL and the four IdP guides", async () => {
    const link = await newLink({ scim: true });
    const listed = await get(`organizations/${link.orgId}/setup-links/${link.linkId}`);
    expect(listed.body).toMatchObject({ scim: true, status: "active" });
    await chooseIdp(link, "okta");
    const { html } = await open(link);
    expect(html).toContain("Directory sync (SCIM)");
    expect(html).toMatch(/<a href="#scim"[^>]*>.*Directory sync/);
    expect(html).toContain(`<code id="scim-base">${scimBase(link)}</code>`);
    expect(html).toContain('<h2 id="scim-h">5. Directory sync (SCIM)</h2>');
    expect(html).toContain('<h2 id="activate-h">6. Activate</h2>');
    for (const label of [
      "SCIM connector base URL",
      "Unique identifier field for users",
      "HTTP Header",
      "Tenant URL",
      "Secret Token",
      "SCIM Bearer Token",
      "Token Key",
    ])
      expect(html).toContain(`<span class="ui">${label}</span>`);
    // The chosen IdP's guide is the one opened.
    expect(html).toMatch(/<details class="scim-guide" open><summary>Okta<\/summary>/);
    expect(html).not.toMatch(/<details class="scim-guide" open><summary>Microsoft Entra ID/);
  });

  it("mints a token shown once, stored hashed, that works on the org's SCIM base; the event's actor is the link", async () => {
    const link = await newLink({ scim: true });
    const first = await mint(link);
    expect(first.status, first.html).toBe(200);
    expect(first.html).toContain("it is shown only this once");
    const token = first.token!;
    expect(token).toMatch(/^scim_/);
    const stored = await rows(link.orgId, "scim_tokens");
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ token_hash: await sha256Hex(token), setup_link_id: link.linkId });
    expect(JSON.stringify(stored)).not.toContain(token);
    const created = (await orgEvents(link.orgId)).find((e) => e.type === "scim_token.created");
    expect(created).toMatchObject({ actor: `setup_link:${link.linkId}`, target: stored[0]!.id });
    expect(JSON.stringify(created)).not.toContain(token);
    expect((await scimGet(link, token)).status).toBe(200);
    // Shown once: the portal never shows it again, only that one was made.
    const { html } = await open(link);
    expect(html).not.toContain(token);
    expect(html).toContain("You created a SCIM token with this link");
    expect(html).toContain("Create another SCIM token");
    // The admin API lists it, and revoking it there ends it at once.
    const listed = await get(`organizations/${link.orgId}/scim-tokens`);
    expect(listed.body.data.map((t: { id: string }) => t.id)).toEqual([stored[0]!.id]);
    expect((await del(`organizations/${link.orgId}/scim-tokens/${stored[0]!.id}`)).status).toBe(204);
    expect((await scimGet(link, token)).status).toBe(401);
  });

  it("a link without scim: true has no SCIM step and cannot mint a token, through the portal or the object", async () => {
    const link = await newLink();
    expect((await get(`organizations/${link.orgId}/setup-links/${link.linkId}`)).body.scim).toBe(false);
    const { html } = await open(link);
    expect(html).not.toContain("Directory sync");
    expect(html).not.toContain("/scim-token");
    const refused = await mint(link);
    expect(refused.status).toBe(403);
    expect(refused.token).toBeNull();
    const stub = env.ORGS.get(env.ORGS.idFromName(link.orgId));
    const direct = (await stub.run(
      "mintSetupScimToken",
      { linkId: link.linkId, id: "scimtok_forged", name: "x", tokenHash: "00".repeat(32) },
      `setup_link:${link.linkId}`,
      Date.now(),
    )) as { ok: boolean; error?: { status: number; detail: string } };
    expect(direct).toMatchObject({ ok: false, error: { status: 403 } });
    expect(direct.error!.detail).toContain("not created with scim: true");
    expect(await rows(link.orgId, "scim_tokens")).toEqual([]);
  });

  it("refuses a form without the CSRF token, and a revoked, expired or disallowed link", async () => {
    const link = await newLink({ scim: true });
    expect((await submit(link, "/scim-token", {}, { csrf: null })).status).toBe(403);
    expect((await submit(link, "/scim-token", {}, { csrf: "wrong" })).status).toBe(403);
    const { csrf } = await open(link);
    expect((await del(`organizations/${link.orgId}/setup-links/${link.linkId}`)).status).toBe(204);
    expect((await submit(link, "/scim-token", {}, { csrf })).status).toBe(410);
    const expired = await newLink({ scim: true });
    const expiredCsrf = (await open(expired)).csrf;
    await runInDurableObject(env.ORGS.get(env.ORGS.idFromName(expired.orgId)), async (_i, state) => {
      state.storage.sql.exec("UPDATE setup_links SET expires_at = ? WHERE id = ?", Date.now() - 1, expired.linkId);
    });
    expect((await submit(expired, "/scim-token", {}, { csrf: expiredCsrf })).status).toBe(410);
    const disallowed = await newLink({ scim: true });
    const disallowedCsrf = (await open(disallowed)).csrf;
    await post(`organizations/${disallowed.orgId}/disallow_sso`);
    expect((await submit(disallowed, "/scim-token", {}, { csrf: disallowedCsrf })).status).toBe(410);
    for (const l of [link, expired, disallowed]) expect(await rows(l.orgId, "scim_tokens")).toEqual([]);
  });

  it("a used link mints nothing: activation ends it", async () => {
    const link = await newLink({ scim: true, connectionType: "saml" });
    const { csrf } = await open(link);
    await chooseIdp(link, "okta");
    await runInDurableObject(env.ORGS.get(env.ORGS.idFromName(link.orgId)), async (_i, state) => {
      state.storage.sql.exec("UPDATE setup_links SET used_at = ? WHERE id = ?", new Date().toISOString(), link.linkId);
    });
    expect((await submit(link, "/scim-token", {}, { csrf })).status).toBe(410);
    expect(await rows(link.orgId, "scim_tokens")).toEqual([]);
  });

  it("refuses scim that is not a boolean", async () => {
    const link = await newLink();
    const refused = await post(`organizations/${link.orgId}/setup-links`, { scim: "yes" });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("validation_failed");
  });
});
