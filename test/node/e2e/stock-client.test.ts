import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, freePort, signInAtDevIdp, startSystem, type System } from "./system";

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

    const callback = await signInAtDevIdp(system, authorizeUrl.toString(), "jane@example.com");
    const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), {
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
