import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, freePort, startSystem, type System } from "./system";

/** Follows one redirect hop by hand, carrying cookies like a browser. */
async function hop(url: string, jar: Map<string, string>, init: RequestInit = {}): Promise<Response> {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const response = await fetch(url, {
    ...init,
    redirect: "manual",
    headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
  });
  for (const set of response.headers.getSetCookie()) {
    const [pair] = set.split(";");
    const eq = pair!.indexOf("=");
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return response;
}

/**
 * A stock OIDC client library (panva's openid-client), configured from nothing but
 * edge-sso's discovery document, completes a login against `wrangler dev`.
 */
describe("stock OIDC client", () => {
  let system: System;

  beforeAll(async () => {
    system = await startSystem();
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  });

  it("discovers, authorizes with PKCE, exchanges the code, validates the ID token and reads userinfo", async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/cb`;
    const created = await fetch(`${system.issuer}/api/v1/clients`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "openid-client", redirectUris: [redirectUri] }),
    });
    const client = (await created.json()) as { clientId: string; clientSecret: string };
    const config = await oidc.discovery(new URL(system.issuer), client.clientId, client.clientSecret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    expect(config.serverMetadata().issuer).toBe(system.issuer);

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorizeUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: "openid email profile",
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      login_hint: "jane@example.com",
    });

    const jar = new Map<string, string>();
    const toIdp = await hop(authorizeUrl.toString(), jar);
    expect(toIdp.status).toBe(302);
    const idp = await hop(toIdp.headers.get("location")!, jar, { headers: { accept: "application/json" } });
    const idpPage = (await idp.json()) as { pendingId: string };
    const login = await fetch(`${system.idpUrl}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ pending: idpPage.pendingId, email: "jane@example.com" }),
    });
    const post = (await login.json()) as { acsUrl: string; relayState: string; samlResponse: string };
    const acs = await hop(post.acsUrl, jar, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ SAMLResponse: post.samlResponse, RelayState: post.relayState }),
    });
    expect(acs.status).toBe(302);

    const tokens = await oidc.authorizationCodeGrant(config, new URL(acs.headers.get("location")!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: system.issuer,
      aud: client.clientId,
      email: "jane@example.com",
      given_name: "Jane",
    });
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, email: "jane@example.com", family_name: "Doe" });
  });
});
