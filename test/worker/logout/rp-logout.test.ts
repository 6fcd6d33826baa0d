/**
 * SPEC §9, OpenID RP-Initiated Logout 1.0: /oauth/logout ends the session its id_token_hint
 * names — in that org's object only — revoking the session's access tokens and unspent codes,
 * then returns to the client's registered post_logout_redirect_uri with state. A hint that is
 * not ours (another key, another issuer) gets the confirmation page (logout CSRF), whose POST
 * needs its CSRF token; an unregistered post_logout_redirect_uri gets a page, never a redirect.
 */
import { decodeJwt, generateKeyPair, SignJWT } from "jose";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/crypto/hash";
import { mintAuthorizationCode } from "../../../src/oauth";
import { newOrgToken } from "../../../src/lib/ids";
import { activeSigningKey } from "../../../src/oauth/signing-keys";
import { verifyIdTokenHint } from "../../../src/oauth/verify-id-token-hint";
import { observeStoreCalls, type StoreCall } from "../../../src/store/stores";
import {
  admin,
  basic,
  BASE,
  createTenant,
  expectOAuthError,
  issueCode,
  REDIRECT_URI,
  send,
  tokenRequest,
  workerEnv,
  type Tenant,
} from "../oauth/helpers";
import { confirmationForm, logoutFailureReason, logoutGet, logoutPost, POST_LOGOUT_URI } from "./logout-helpers";

let client: { clientId: string; clientSecret: string };
let tenant: Tenant;
beforeAll(async () => {
  const reply = await admin("POST", "clients", {
    name: "Logout app",
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [POST_LOGOUT_URI],
  });
  client = { clientId: reply.body.clientId, clientSecret: reply.body.clientSecret };
  tenant = await createTenant();
}, 60_000);

const redeem = (code: string) =>
  tokenRequest(
    { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
    { authorization: basic(client.clientId, client.clientSecret) },
  );
const userinfo = (token: string) => send("/oauth/userinfo", { headers: { authorization: `Bearer ${token}` } });

/** A signed-in session: its ID token, access token, and a second code of the same session not yet spent. */
async function signIn(): Promise<{ sid: string; idToken: string; accessToken: string; unspentCode: string }> {
  const sid = newOrgToken(tenant.orgId);
  const code = await issueCode(tenant, { clientId: client.clientId, sid });
  // A second code of the same session (as a login whose code the app has not redeemed yet).
  const unspent = await mintAuthorizationCode(tenant.orgId, Date.now());
  const hash = await sha256Hex(code);
  await runInDurableObject(workerEnv.ORGS.get(workerEnv.ORGS.idFromName(tenant.orgId)), (_object, state) => {
    state.storage.sql.exec(
      `INSERT INTO auth_codes (code_hash, client_id, redirect_uri, code_challenge, nonce, scope, member_id, profile, expires_at, sid)
       SELECT ?, client_id, redirect_uri, code_challenge, nonce, scope, member_id, profile, expires_at, sid FROM auth_codes WHERE code_hash = ?`,
      unspent.codeHash,
      hash,
    );
  });
  const issued = await redeem(code);
  expect(issued.status, issued.text).toBe(200);
  return { sid, idToken: issued.body.id_token, accessToken: issued.body.access_token, unspentCode: unspent.code };
}

/** An ID token like ours, signed by `key` (ours unless given) with these claims over the hint's. */
async function craftHint(hint: string, claims: Record<string, unknown>, key?: CryptoKey, kid?: string) {
  const own = await activeSigningKey(workerEnv, Date.now());
  return new SignJWT({ ...decodeJwt(hint), ...claims })
    .setProtectedHeader({ alg: "ES256", kid: kid ?? own.kid, typ: "JWT" })
    .sign(key ?? own.privateKey);
}

describe("/oauth/logout with a valid id_token_hint", () => {
  it("ends the session, revokes its tokens and codes, and returns to the registered URI with state", async () => {
    const session = await signIn();
    expect((await userinfo(session.accessToken)).status).toBe(200);
    const calls: StoreCall[] = [];
    const stop = observeStoreCalls((call) => calls.push(call));
    const reply = await logoutGet({
      id_token_hint: session.idToken,
      post_logout_redirect_uri: POST_LOGOUT_URI,
      state: "s t&ate",
    });
    stop();
    expect(reply.status, reply.text).toBe(302);
    expect(reply.headers.get("location")).toBe(`${POST_LOGOUT_URI}?state=s+t%26ate`);
    // The hot path's rule (SPEC §1): the session's own org object, once; no other org, no singleton write.
    expect(calls.filter((c) => c.kind !== "app")).toEqual([
      { kind: "org", name: tenant.orgId, op: "beginRpLogout", fromRequest: true },
    ]);
    expect((await userinfo(session.accessToken)).status).toBe(401);
    expectOAuthError(await redeem(session.unspentCode), 400, "invalid_grant");
    const events = await admin("GET", `organizations/${tenant.orgId}/events?type=user.logged_out`);
    expect(events.body.data.find((e: { data: { sid: string } }) => e.data.sid === session.sid)?.data).toMatchObject({
      clientId: client.clientId,
      initiator: "rp",
      revokedCodes: 1,
      revokedAccessTokens: 1,
    });
  });

  it("takes the parameters as a POST form too, and ends on the signed-out page without a return URI", async () => {
    const session = await signIn();
    const reply = await logoutPost({ id_token_hint: session.idToken, client_id: client.clientId });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain("You are signed out");
    expect(reply.headers.get("content-security-policy")).toContain("script-src 'none'");
    expect((await userinfo(session.accessToken)).status).toBe(401);
  });

  it("accepts an expired hint signed by our key (RP-Initiated Logout §2: a recent session's token)", async () => {
    const session = await signIn();
    const now = Math.floor(Date.now() / 1000);
    const expired = await craftHint(session.idToken, { iat: now - 7200, exp: now - 3600 });
    const reply = await logoutGet({ id_token_hint: expired, post_logout_redirect_uri: POST_LOGOUT_URI });
    expect(reply.status, reply.text).toBe(302);
    expect((await userinfo(session.accessToken)).status).toBe(401);
  });

  it("is idempotent: a second logout with the same hint ends nothing and still returns", async () => {
    const session = await signIn();
    const params = { id_token_hint: session.idToken, post_logout_redirect_uri: POST_LOGOUT_URI };
    expect((await logoutGet(params)).status).toBe(302);
    const again = await logoutGet(params);
    expect(again.status).toBe(302);
    expect(again.headers.get("location")).toBe(POST_LOGOUT_URI);
  });
});

describe("/oauth/logout refusals", () => {
  it("an unregistered post_logout_redirect_uri gets a page, never a redirect, and ends nothing", async () => {
    const session = await signIn();
    for (const uri of [
      "https://evil.example.com/signed-out",
      `${POST_LOGOUT_URI}/`,
      `${POST_LOGOUT_URI}?x=1`,
      "https://APP.example.com/signed-out",
      REDIRECT_URI,
    ]) {
      const reply = await logoutGet({ id_token_hint: session.idToken, post_logout_redirect_uri: uri, state: "x" });
      expect(reply.status, uri).toBe(400);
      expect(reply.headers.get("location")).toBeNull();
      expect(await logoutFailureReason(reply.text)).toBe("post_logout_redirect_uri_mismatch");
    }
    expect((await userinfo(session.accessToken)).status).toBe(200);
  });

  it("a post_logout_redirect_uri with no client to check it against is refused", async () => {
    const reply = await logoutGet({ post_logout_redirect_uri: POST_LOGOUT_URI });
    expect(reply.status).toBe(400);
    expect(await logoutFailureReason(reply.text)).toBe("logout_client_missing");
  });

  it("an unknown client_id and a client_id other than the hint's audience are refused", async () => {
    const session = await signIn();
    const unknown = await logoutGet({ client_id: "client_nope", post_logout_redirect_uri: POST_LOGOUT_URI });
    expect(unknown.status).toBe(400);
    expect(await logoutFailureReason(unknown.text)).toBe("unknown_client");
    const other = await admin("POST", "clients", { name: "Other", redirectUris: [REDIRECT_URI] });
    const mismatch = await logoutGet({ id_token_hint: session.idToken, client_id: other.body.clientId });
    expect(mismatch.status).toBe(400);
    expect(await logoutFailureReason(mismatch.text)).toBe("logout_client_mismatch");
    expect((await userinfo(session.accessToken)).status).toBe(200);
  });

  it("a repeated parameter is refused", async () => {
    const reply = await send(`${BASE}/oauth/logout?state=a&state=b`);
    expect(reply.status).toBe(400);
    expect(await logoutFailureReason(reply.text)).toBe("logout_invalid_request");
  });
});

describe("a hint that is not ours asks the user to confirm (logout CSRF)", () => {
  it("a token signed by another key, or by ours for another issuer, gets the confirmation page and ends nothing", async () => {
    const session = await signIn();
    const rogue = await generateKeyPair("ES256");
    const ownKid = (await activeSigningKey(workerEnv, Date.now())).kid;
    const forged = await craftHint(session.idToken, {}, rogue.privateKey, ownKid);
    const otherIssuer = await craftHint(session.idToken, { iss: "https://other-op.example.com" });
    for (const hint of [forged, otherIssuer, "not.a.jwt", `${session.idToken}x`]) {
      const reply = await logoutGet({
        id_token_hint: hint,
        client_id: client.clientId,
        post_logout_redirect_uri: POST_LOGOUT_URI,
        state: "st",
      });
      const form = confirmationForm(reply);
      expect(form.fields).toMatchObject({
        client_id: client.clientId,
        post_logout_redirect_uri: POST_LOGOUT_URI,
        state: "st",
        confirm: "yes",
      });
      expect(form.fields).not.toHaveProperty("id_token_hint");
      expect(reply.text).toContain("Logout app asked to sign you out");
      const csp = reply.headers.get("content-security-policy")!;
      expect(csp).toContain("script-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
    }
    expect((await userinfo(session.accessToken)).status).toBe(200);
    // The exact reasons, from the pure check.
    const { keys } = (await send("/.well-known/jwks.json")).body;
    const check = (hint: string) =>
      verifyIdTokenHint({ hint, issuer: BASE, keys, now: Date.now() }).then((r) => (r.ok ? "valid" : r.reason));
    expect(await check(forged)).toBe("hint_signature_invalid");
    expect(await check(otherIssuer)).toBe("hint_issuer_mismatch");
    expect(await check("not.a.jwt")).toBe("hint_signature_invalid");
    expect(await check(session.idToken)).toBe("valid");
    const now = Math.floor(Date.now() / 1000);
    expect(await check(await craftHint(session.idToken, { iat: now - 2 * 86_400 }))).toBe("hint_too_old");
    expect(await check(await craftHint(session.idToken, { aud: ["a", "b"] }))).toBe("hint_audience_invalid");
  });

  it("the confirmation POST with its CSRF token returns to the registered URI and clears the cookie", async () => {
    const page = await logoutGet({
      client_id: client.clientId,
      post_logout_redirect_uri: POST_LOGOUT_URI,
      state: "st",
    });
    const form = confirmationForm(page);
    expect(page.headers.get("content-security-policy")).toContain("form-action 'self' https: https://app.example.com");
    const reply = await logoutPost(form.fields, { cookie: form.cookie, origin: BASE });
    expect(reply.status, reply.text).toBe(302);
    expect(reply.headers.get("location")).toBe(`${POST_LOGOUT_URI}?state=st`);
    expect(reply.headers.get("set-cookie")).toMatch(/^__Host-esso_logout=; .*Max-Age=0/);
  });

  it("a confirmation POST without its CSRF token, with another's, or from another origin is refused", async () => {
    const form = confirmationForm(await logoutGet({ client_id: client.clientId }));
    const other = confirmationForm(await logoutGet({ client_id: client.clientId }));
    const { csrf, ...withoutToken } = form.fields;
    expect(csrf).toBeTruthy();
    const attempts = [
      logoutPost(withoutToken, { cookie: form.cookie }),
      logoutPost(form.fields),
      logoutPost(form.fields, { cookie: other.cookie }),
      logoutPost(form.fields, { cookie: form.cookie, origin: "https://evil.example.com" }),
    ];
    for (const reply of await Promise.all(attempts)) {
      expect(reply.status).toBe(400);
      expect(reply.headers.get("location")).toBeNull();
      expect(await logoutFailureReason(reply.text)).toBe("logout_csrf_mismatch");
    }
  });
});
