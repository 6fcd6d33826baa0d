/**
 * LDAP sign-in through the hosted form (SPEC §3, §9), end to end through the worker and a
 * real slapd: authorize → 302 to the cookie-bound form → search and bind → the shared
 * completion step → code → token. Failures show the form again with one message; the
 * throttle answers 429 with Retry-After without saying whether a user exists.
 */
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { get, patch, uniqueDomain } from "../admin/helpers";
import { BASE, exchangeCode, failureReason, fetchWorker, pkce, REDIRECT_URI, type Seeded } from "../flow/flow-helpers";
import { ldap, openForm, seedLdap, signInOnce, startLdapLogin, submitForm } from "./sign-in-helpers";

let s: Seeded & { remove(): Promise<void> };
beforeAll(async () => {
  s = await seedLdap();
}, 30_000);
afterAll(async () => {
  await s?.remove();
});

const alice = ldap.users.alice;
let ipCounter = 0;
/** A client IP no other test uses, so each test's per-IP count starts at zero. */
const freshIp = () => `203.0.113.${++ipCounter}`;
const byOrg = () => ({ organization_id: s.orgId });

/** The page without what differs between two logins (reference id, rs, CSRF token), to compare two failures. */
const withoutReference = (html: string) =>
  html
    .replace(/ref_[0-9a-z]{16}/g, "ref_")
    .replace(/rs=[^"]+/, "rs=")
    .replace(/name="csrf" value="[^"]+"/, 'name="csrf"');

describe("LDAP sign-in", () => {
  it("authorize → form → search and bind → code → token with the directory's profile", async () => {
    const { verifier, challenge } = await pkce();
    const started = await startLdapLogin(s, {
      login_hint: alice.mail,
      nonce: "n-ldap",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const form = await openForm(started);
    expect(form.response.status).toBe(200);
    expect(form.response.headers.get("cache-control")).toBe("no-store");
    expect(form.response.headers.get("content-security-policy")).toMatch(/script-src 'none'.*frame-ancestors 'none'/);
    expect(form.html).toContain("Sign in to Corp &lt;Directory&gt;");
    expect(form.html).toContain(`value="${alice.mail}"`);
    expect(form.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const submitted = await submitForm(started, { username: alice.mail, password: alice.password, csrf: form.csrf });
    expect(submitted.status, await submitted.clone().text()).toBe(302);
    expect(submitted.headers.get("set-cookie")).toContain("Max-Age=0");
    const back = new URL(submitted.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    expect(back.searchParams.get("state")).toBe("st-ldap");

    const token = await exchangeCode(s, back.searchParams.get("code")!, { code_verifier: verifier });
    expect(token.status).toBe(200);
    const tokens = await token.json<{ id_token: string; profile: Record<string, unknown> }>();
    expect(tokens.profile).toMatchObject({
      organizationId: s.orgId,
      connectionId: s.connectionId,
      connectionType: "ldap",
      email: alice.mail,
      firstName: "Alice",
      lastName: "Liddell",
      groups: alice.groups,
      roles: [],
    });
    expect(tokens.profile.idpId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const jwks = await (await fetchWorker(`${BASE}/.well-known/jwks.json`)).json<{ keys: [] }>();
    const { payload } = await jwtVerify(tokens.id_token, createLocalJWKSet(jwks), {
      issuer: BASE,
      audience: s.clientId,
    });
    expect(payload).toMatchObject({
      email: alice.mail,
      email_verified: true,
      given_name: "Alice",
      family_name: "Liddell",
      nonce: "n-ldap",
      org_id: s.orgId,
    });
    const events = (await get(`organizations/${s.orgId}/events?type=login.succeeded`)).body.data;
    expect(events[0].data).toMatchObject({ connectionId: s.connectionId });
  });

  it("matches the returning user by entryUUID: the same member both times", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { response } = await signInOnce(s, ldap.users.bob.mail, ldap.users.bob.password, freshIp());
      expect(response.status).toBe(302);
      const code = new URL(response.headers.get("location")!).searchParams.get("code")!;
      const token = await (await exchangeCode(s, code)).json<{ profile: { id: string } }>();
      ids.push(token.profile.id);
    }
    expect(ids[0]).toMatch(/^user_/);
    expect(ids[1]).toBe(ids[0]);
  });

  it("a wrong password and an unknown user show the same form and message; the audit log tells them apart", async () => {
    const ip = freshIp();
    const wrong = await signInOnce(s, alice.mail, "not-her-password", ip);
    const unknown = await signInOnce(s, `nobody@${ldap.mailDomain}`, "not-her-password", ip);
    expect([wrong.response.status, unknown.response.status]).toEqual([401, 401]);
    for (const page of [wrong.html, unknown.html]) {
      expect(page).toContain("Incorrect username or password.");
      expect(page).not.toContain("not-her-password");
    }
    expect(withoutReference(wrong.html).replace(alice.mail, "U")).toBe(
      withoutReference(unknown.html).replace(`nobody@${ldap.mailDomain}`, "U"),
    );
    expect(await failureReason(s.orgId, wrong.html)).toBe("ldap_wrong_password");
    expect(await failureReason(s.orgId, unknown.html)).toBe("ldap_unknown_user");
    // The password is in no event, the org's or the app-wide log.
    for (const log of [`organizations/${s.orgId}/events?limit=100`, "events?limit=100"])
      expect((await get(log)).text).not.toContain("not-her-password");
  });

  it("a directory that cannot be reached: its own message, and a generic detail in the audit log", async () => {
    const other = await seedLdap({}, { domains: [uniqueDomain("ldap-down")] });
    try {
      const moved = await patch(`organizations/${other.orgId}/connections/${other.connectionId}`, {
        ldap: { serverUri: `ldap://127.0.0.1:${ldap.closedPort}` },
      });
      expect(moved.status).toBe(200);
      const { response, html } = await signInOnce(other, alice.mail, alice.password, freshIp());
      expect(response.status).toBe(401);
      expect(html).toContain("Your directory could not be reached. Try again in a moment.");
      const events = (await get(`organizations/${other.orgId}/events?type=login.failed`)).body.data;
      expect(events[0].data).toMatchObject({ reason: "ldap_unavailable" });
      expect(events[0].data.detail).toMatch(/^127\.0\.0\.1:\d+ could not be reached \(POST/);
      expect(events[0].data.detail).not.toMatch(/refused/);
    } finally {
      await other.remove();
    }
  });

  it("refuses an empty password before any bind, with the same message", async () => {
    const { response, html } = await signInOnce(s, alice.mail, "", freshIp());
    expect(response.status).toBe(401);
    expect(html).toContain("Incorrect username or password.");
    expect(await failureReason(s.orgId, html)).toBe("ldap_empty_password");
  });

  it("escapes the username: the injection attempt matches nobody", async () => {
    const { html } = await signInOnce(s, "*)(uid=*", alice.password, freshIp());
    expect(html).toContain("Incorrect username or password.");
    expect(await failureReason(s.orgId, html)).toBe("ldap_unknown_user");
    const star = await signInOnce(s, "*", alice.password, freshIp());
    expect(await failureReason(s.orgId, star.html)).toBe("ldap_unknown_user");
  });

  it("refuses two entries with one mail, with the same message", async () => {
    const { html } = await signInOnce(s, ldap.users.dupOne.mail, ldap.users.dupOne.password, freshIp());
    expect(html).toContain("Incorrect username or password.");
    expect(await failureReason(s.orgId, html)).toBe("ldap_ambiguous_user");
  });

  it("after a failure the same form signs in: the pending login survives failed attempts", async () => {
    const ip = freshIp();
    const started = await startLdapLogin(s, byOrg());
    const { csrf } = await openForm(started);
    expect((await submitForm(started, { username: alice.mail, password: "nope", csrf }, ip)).status).toBe(401);
    const ok = await submitForm(started, { username: alice.mail, password: alice.password, csrf }, ip);
    expect(ok.status).toBe(302);
    const again = await submitForm(started, { username: alice.mail, password: alice.password, csrf }, ip);
    expect(again.status).toBe(400);
    expect(await failureReason(s.orgId, await again.text())).toBe("unknown_relay_state");
  });
});

describe("the form's bindings", () => {
  it("needs the CSRF token of this login", async () => {
    const started = await startLdapLogin(s, byOrg());
    await openForm(started);
    for (const csrf of ["", "forged-token-value"]) {
      const response = await submitForm(started, { username: alice.mail, password: alice.password, csrf }, freshIp());
      expect(response.status).toBe(400);
      expect(await failureReason(s.orgId, await response.text())).toBe("csrf_mismatch");
    }
  });

  it("is shown and accepted only in the browser that started the login", async () => {
    const started = await startLdapLogin(s, byOrg());
    const { csrf } = await openForm(started);
    const elsewhere = { ...started, cookie: "esso_other=someone-elses-cookie" };
    const shown = await openForm(elsewhere);
    expect(shown.response.status).toBe(400);
    expect(await failureReason(s.orgId, shown.html)).toBe("browser_mismatch");
    const posted = await submitForm(elsewhere, { username: alice.mail, password: alice.password, csrf }, freshIp());
    expect(await failureReason(s.orgId, await posted.text())).toBe("browser_mismatch");
  });

  it("answers an unknown or forged rs with the error page", async () => {
    const started = await startLdapLogin(s, byOrg());
    const forged = { ...started, formUrl: started.formUrl.replace(/rs=[^&]+/, `rs=${s.orgId.slice(4)}.forged`) };
    const page = await openForm(forged);
    expect(page.response.status).toBe(400);
    expect(await failureReason(s.orgId, page.html)).toBe("unknown_relay_state");
    const malformed = await fetchWorker(`${BASE}/ldap/conn_nope/login?rs=x`);
    expect(malformed.status).toBe(400);
  });
});

describe("throttling (5 failures per username, 20 per client IP, in 15 minutes)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("the 6th failure gets 429 with Retry-After, even with the right password; success after the window", async () => {
    const carol = ldap.users.carol;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    for (let i = 0; i < 5; i++) {
      const { response } = await signInOnce(s, carol.mail, `guess-${i}`, freshIp());
      expect(response.status, `attempt ${i + 1}`).toBe(401);
    }
    // Lower-cased and trimmed: the same username.
    const sixth = await signInOnce(s, `  ${carol.mail.toUpperCase()} `, carol.password, freshIp());
    expect(sixth.response.status).toBe(429);
    const retryAfter = Number(sixth.response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(880);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(sixth.html).toContain("Too many failed sign-in attempts.");
    expect(await failureReason(s.orgId, sixth.html)).toBe("ldap_throttled");

    vi.setSystemTime(Date.now() + 15 * 60_000 + 1_000);
    const later = await signInOnce(s, carol.mail, carol.password, freshIp());
    expect(later.response.status, later.html).toBe(302);
  });

  it("throttles an unknown username exactly as a known one: 429 never says whether a user exists", async () => {
    const ghost = `ghost@${ldap.mailDomain}`;
    for (let i = 0; i < 5; i++) expect((await signInOnce(s, ghost, "x", freshIp())).response.status).toBe(401);
    const sixth = await signInOnce(s, ghost, "x", freshIp());
    expect(sixth.response.status).toBe(429);
    expect(Number(sixth.response.headers.get("retry-after"))).toBeGreaterThan(880);
  });

  it("counts an empty password as a failure", async () => {
    const erin = ldap.users.erin;
    for (let i = 0; i < 5; i++) expect((await signInOnce(s, erin.mail, "", freshIp())).response.status).toBe(401);
    expect((await signInOnce(s, erin.mail, erin.password, freshIp())).response.status).toBe(429);
  });

  it("20 failures from one client IP, across usernames, then 429 for anyone from it", async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) {
      const { response } = await signInOnce(s, `spray${i}@${ldap.mailDomain}`, "Winter2026!", ip);
      expect(response.status, `attempt ${i + 1}`).toBe(401);
    }
    const blocked = await signInOnce(s, alice.mail, alice.password, ip);
    expect(blocked.response.status).toBe(429);
    expect((await signInOnce(s, alice.mail, alice.password, freshIp())).response.status).toBe(302);
  });
});
