/**
 * SPEC §9 test sign-in for OIDC connections: a real login through the draft connection at the
 * real OpenID provider (oidc-provider) and the hostile one, ending on the portal's result
 * page — the profile the app would get, or the exact reason and what to change. No code is
 * minted and no member created.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { del, orgEvents } from "../admin/helpers";
import { signInAtOidcProvider, warmUp } from "../oidc/helpers";
import { chooseIdp, newLink, open, page, resultPageOf, rows, submit, type Link } from "./portal-helpers";

const provider = inject("oidcProvider");
const hostile = inject("hostileOidc");

/** A link whose draft OIDC connection has the given IdP side. */
async function oidcLink(fields: Record<string, string>): Promise<{ link: Link; connectionId: string }> {
  const link = await newLink();
  const connectionId = await chooseIdp(link, "generic-oidc");
  const saved = await submit(link, "/idp", { method: "oidc", ...fields });
  expect(saved.status, await saved.clone().text()).toBe(303);
  return { link, connectionId };
}

/** The portal's test form: a 302 to the IdP's authorization endpoint, with the binding cookie. */
async function startTest(link: Link): Promise<{ idpUrl: URL; cookie: string }> {
  const started = await submit(link, "/test", {});
  expect(started.status, await started.clone().text()).toBe(302);
  const cookie = started.headers.get("set-cookie")!.split(";")[0]!;
  expect(cookie).toMatch(/^esso_/);
  return { idpUrl: new URL(started.headers.get("location")!), cookie };
}

/** Our callback, as the browser reaches it; a test ends with a 303 to its result page. */
async function finish(link: Link, callbackUrl: string, cookie: string): Promise<string> {
  const url = new URL(callbackUrl);
  return resultPageOf(link, await page(`${url.pathname}${url.search}`, { headers: { cookie } }));
}

/** The hostile provider lets the login through at once; its answer is the callback URL. */
async function throughHostile(idpUrl: URL): Promise<string> {
  const answered = await fetch(idpUrl, { redirect: "manual" });
  expect(answered.status).toBe(302);
  return answered.headers.get("location")!;
}

const hostileIssuer = (scenario: string) => `${hostile.base}/t/${scenario}~${crypto.randomUUID().slice(0, 8)}`;

beforeAll(warmUp, 60_000);

describe("setup portal: OIDC test sign-in", () => {
  it("signs in at the real provider and shows the profile and raw claims; no code, no member", async () => {
    const { link, connectionId } = await oidcLink({
      issuer: provider.issuer,
      clientId: provider.clients.basic.clientId,
      clientSecret: provider.clients.basic.clientSecret,
    });
    const { html: portal, response } = await open(link);
    expect(portal).toContain("Run test sign-in");
    expect(portal).not.toContain("test sign-in runs for SAML");
    expect(portal).toContain(`value="${provider.issuer}"`);
    expect(portal).not.toContain(provider.clients.basic.clientSecret);
    expect(response.headers.get("content-security-policy")).toContain(`form-action 'self' ${provider.issuer}`);
    const { idpUrl, cookie } = await startTest(link);
    expect(idpUrl.origin).toBe(provider.issuer);
    expect(idpUrl.searchParams.get("code_challenge_method")).toBe("S256");
    const email = `ada@${link.domain}`;
    const html = await finish(link, await signInAtOidcProvider(provider, idpUrl, email), cookie);
    expect(html).toContain("The test sign-in worked.");
    expect(html).toContain(`<td>${email}</td>`);
    expect(html).toContain("<td>Ada</td>");
    expect(html).toContain("<td>Lovelace</td>");
    expect(html).toContain("Raw claims (ID token and userinfo)");
    expect(html).toMatch(/<th scope="row">email_verified<\/th><td>true<\/td>/);
    expect(html).not.toContain("is not a verified domain");
    expect(await rows(link.orgId, "members")).toEqual([]);
    expect(await rows(link.orgId, "auth_codes")).toEqual([]);
    const events = await orgEvents(link.orgId);
    expect(events.find((e) => e.type === "connection.test_succeeded")).toMatchObject({
      actor: `setup_link:${link.linkId}`,
      target: connectionId,
      data: { email },
    });
    expect(events.some((e) => e.type.startsWith("login."))).toBe(false);
    expect((await open(link)).html).toMatch(new RegExp(`Test</td><td>${email}</td><td><span class="pill ok">`));
  });

  it("names a wrong client secret and says to copy it again", async () => {
    const { link } = await oidcLink({
      issuer: provider.issuer,
      clientId: provider.clients.basic.clientId,
      clientSecret: "not-the-secret-0123456789",
    });
    const { idpUrl, cookie } = await startTest(link);
    const html = await finish(link, await signInAtOidcProvider(provider, idpUrl, `ada@${link.domain}`), cookie);
    expect(html).toContain("The test sign-in failed.");
    expect(html).toContain("Your provider refused the client ID or client secret.");
    expect(html).toContain("Copy the client secret again");
    expect(html).toMatch(/token_endpoint_error: HTTP 401 invalid_client/);
    expect(html).not.toContain("not-the-secret");
    const failed = (await orgEvents(link.orgId)).find((e) => e.type === "connection.test_failed");
    expect(failed?.data).toMatchObject({ reason: "token_endpoint_error" });
    expect(JSON.stringify(failed)).not.toContain("not-the-secret");
    expect(await rows(link.orgId, "auth_codes")).toEqual([]);
  });

  it.each([
    ["wrong-iss", "issuer_mismatch", "The ID token names another issuer than the issuer URL saved here."],
    ["wrong-aud", "audience_mismatch", "its aud is not the client ID saved here"],
    ["wrong-key", "id_token_signature_invalid", "does not verify with your provider&#39;s published keys"],
    ["unverified", "email_not_verified", "does not say that the user&#39;s email address is verified"],
    ["deny", "idp_error", "Your identity provider answered with an error"],
  ])("shows %s as %s with what to change", async (scenario, reason, words) => {
    const { link } = await oidcLink({
      issuer: hostileIssuer(scenario),
      clientId: hostile.clientId,
      clientSecret: hostile.clientSecret,
    });
    const { idpUrl, cookie } = await startTest(link);
    const html = await finish(link, await throughHostile(idpUrl), cookie);
    expect(html).toContain("The test sign-in failed.");
    expect(html).toContain(words);
    expect(html).toContain(`${reason}: `);
    expect((await orgEvents(link.orgId)).find((e) => e.type === "connection.test_failed")?.data).toMatchObject({
      reason,
    });
    expect(await rows(link.orgId, "members")).toEqual([]);
  });

  it("a test's callback needs the browser that started it, and ends once", async () => {
    const { link } = await oidcLink({
      issuer: hostileIssuer("good"),
      clientId: hostile.clientId,
      clientSecret: hostile.clientSecret,
    });
    const { idpUrl, cookie } = await startTest(link);
    const callbackUrl = new URL(await throughHostile(idpUrl));
    const path = `${callbackUrl.pathname}${callbackUrl.search}`;
    const stranger = await page(path);
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).not.toContain(link.token);
    expect(await finish(link, callbackUrl.toString(), cookie)).toContain("The test sign-in worked.");
    const again = await page(path, { headers: { cookie } });
    expect(again.status).toBe(400);
  });

  it("starts no test without the link's CSRF token, or on a revoked link; a test in flight records nothing once the link ended", async () => {
    const { link } = await oidcLink({
      issuer: hostileIssuer("good"),
      clientId: hostile.clientId,
      clientSecret: hostile.clientSecret,
    });
    for (const csrf of [null, "wrong"]) {
      const forged = await submit(link, "/test", {}, { csrf });
      expect(forged.status).toBe(403);
      expect(forged.headers.get("set-cookie")).toBeNull();
    }
    expect(await rows(link.orgId, "pending_logins")).toEqual([]);
    const { idpUrl, cookie } = await startTest(link);
    const callbackUrl = new URL(await throughHostile(idpUrl));
    const { csrf } = await open(link);
    expect((await del(`organizations/${link.orgId}/setup-links/${link.linkId}`)).status).toBe(204);
    expect((await submit(link, "/test", {}, { csrf })).status).toBe(410);
    // The IdP's answer for the test started before the revocation: the link ended, nothing recorded.
    const answered = await page(`${callbackUrl.pathname}${callbackUrl.search}`, { headers: { cookie } });
    const html = await answered.text();
    expect(answered.status, html).toBe(410);
    expect(html).toContain("It ended while the test sign-in ran.");
    expect(answered.headers.get("set-cookie")).toMatch(/^esso_[^=]+=; .*Max-Age=0/);
    expect(await rows(link.orgId, "setup_tests")).toEqual([]);
    expect((await orgEvents(link.orgId)).some((e) => e.type.startsWith("connection.test_"))).toBe(false);
    expect(await rows(link.orgId, "auth_codes")).toEqual([]);
  });

  it("explains a test that cannot start: the issuer's discovery does not answer", async () => {
    const { link } = await oidcLink({
      issuer: hostile.closedUrl,
      clientId: hostile.clientId,
      clientSecret: hostile.clientSecret,
    });
    const started = await submit(link, "/test", {});
    const html = await started.text();
    expect(started.status, html).toBe(409);
    expect(html).toContain("The test cannot start yet");
    expect(html).toMatch(/idp_unreachable|discovery_failed/);
    expect(started.headers.get("set-cookie")).toBeNull();
  });
});
