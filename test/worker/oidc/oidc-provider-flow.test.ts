/**
 * Whole logins against a real OpenID provider (panva's oidc-provider, started on loopback
 * by test/setup/oidc-provider.ts): /oauth/authorize → the provider's authorization
 * endpoint → its login form, driven by HTTP with a cookie jar → back to /oidc/callback →
 * our code → /oauth/token, whose ID token is verified against our JWKS with jose.
 */
import { createLocalJWKSet, jwtVerify } from "jose";
import { beforeAll, describe, expect, inject, it } from "vitest";
import {
  BASE,
  callback,
  createClient,
  createOidcTenant,
  expectCodeRedirect,
  expectErrorRedirect,
  redeemCode,
  send,
  signInAtOidcProvider,
  startLogin,
  warmUp,
  type StartedLogin,
} from "./helpers";

const provider = inject("oidcProvider");

/** Plays the browser at the provider for a login edge-sso started for `email` (its login_hint prefills the form). */
function signInAtProvider(login: StartedLogin, email: string, password = provider.password): Promise<string> {
  return signInAtOidcProvider(provider, login.idpUrl, email, { password, loginHint: email });
}

async function verifyIdToken(idToken: string, clientId: string) {
  const jwks = (await send("/.well-known/jwks.json")).body;
  return (await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: BASE, audience: clientId })).payload;
}

/** The worker's first request (module load, first signing key) can take seconds on a busy machine. */
beforeAll(warmUp, 60_000);

describe("OIDC login through oidc-provider", () => {
  it("completes a whole login with client_secret_basic; the email comes from userinfo", async () => {
    const tenant = await createOidcTenant({
      issuer: provider.issuer,
      clientId: provider.clients.basic.clientId,
      clientSecret: provider.clients.basic.clientSecret,
      scopes: "openid email profile groups",
    });
    const client = await createClient();
    const email = `ada@${tenant.domain}`;
    const login = await startLogin(client.clientId, email);
    expect(login.idpUrl.origin).toBe(provider.issuer);
    const sent = login.idpUrl.searchParams;
    expect(Object.fromEntries(sent)).toMatchObject({
      client_id: provider.clients.basic.clientId,
      redirect_uri: `${BASE}/oidc/callback`,
      response_type: "code",
      scope: "openid email profile groups",
      code_challenge_method: "S256",
      login_hint: email,
    });
    expect(sent.get("state")).toMatch(new RegExp(`^${tenant.orgId.slice(4)}\\.`));
    expect(sent.get("nonce")).not.toBe(login.appNonce);
    expect(sent.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const callbackUrl = await signInAtProvider(login, email);
    const code = expectCodeRedirect(await callback(callbackUrl, login.bindingCookie), login.appState);
    const token = await redeemCode(client, code, login.verifier);
    expect(token.status, token.text).toBe(200);
    expect(token.body.profile).toMatchObject({
      organizationId: tenant.orgId,
      connectionId: tenant.connectionId,
      connectionType: "oidc",
      email,
      firstName: "Ada",
      lastName: "Lovelace",
      groups: ["engineering", "admins"],
    });
    expect(token.body.profile.idpId).toMatch(/^acct-/);
    const claims = await verifyIdToken(token.body.id_token, client.clientId);
    expect(claims).toMatchObject({
      email,
      email_verified: true,
      given_name: "Ada",
      family_name: "Lovelace",
      nonce: login.appNonce,
      org_id: tenant.orgId,
    });
  });

  it("completes logins with client_secret_post, and matches the returning user by sub", async () => {
    const tenant = await createOidcTenant({
      issuer: provider.issuer,
      clientId: provider.clients.post.clientId,
      clientSecret: provider.clients.post.clientSecret,
      tokenEndpointAuthMethod: "client_secret_post",
      prompt: "login",
    });
    const client = await createClient();
    const email = `grace@${tenant.domain}`;
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const login = await startLogin(client.clientId, email);
      expect(login.idpUrl.searchParams.get("prompt")).toBe("login");
      const code = expectCodeRedirect(
        await callback(await signInAtProvider(login, email), login.bindingCookie),
        login.appState,
      );
      const token = await redeemCode(client, code, login.verifier);
      expect(token.status, token.text).toBe(200);
      expect(token.body.profile.email).toBe(email);
      ids.push(token.body.profile.id);
    }
    expect(ids[1]).toBe(ids[0]);
  });

  it("refuses an address the provider has not verified, with access_denied to the app", async () => {
    const tenant = await createOidcTenant({
      issuer: provider.issuer,
      clientId: provider.clients.basic.clientId,
      clientSecret: provider.clients.basic.clientSecret,
    });
    const client = await createClient();
    const email = `unverified-bob@${tenant.domain}`;
    const login = await startLogin(client.clientId, email);
    const reply = await callback(await signInAtProvider(login, email), login.bindingCookie);
    expect(await expectErrorRedirect(reply, tenant.orgId, "access_denied", login.appState)).toBe("email_not_verified");
  });

  it("does not pass login_hint when passLoginHint is off", async () => {
    const tenant = await createOidcTenant({
      issuer: provider.issuer,
      clientId: provider.clients.basic.clientId,
      clientSecret: provider.clients.basic.clientSecret,
      passLoginHint: false,
    });
    const client = await createClient();
    const login = await startLogin(client.clientId, `ada@${tenant.domain}`);
    expect(login.idpUrl.searchParams.has("login_hint")).toBe(false);
  });
});
