/** SPEC §4: the code exchange with each client authentication method, the ID token and userinfo. */
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  basic,
  BASE,
  createClient,
  createTenant,
  issueCode,
  pkcePair,
  REDIRECT_URI,
  send,
  tokenRequest,
  type Client,
  type Reply,
  type Tenant,
} from "./helpers";

let tenant: Tenant;
let confidential: Client;
let publicClient: Client;

beforeAll(async () => {
  tenant = await createTenant();
  confidential = await createClient();
  publicClient = await createClient({ public: true });
}, 60_000);

/** Verifies an ID token against the worker's own JWKS, as an RP would. */
async function verifyIdToken(idToken: string, audience: string) {
  const jwks = await send("/.well-known/jwks.json");
  expect(jwks.status).toBe(200);
  return jwtVerify(idToken, createLocalJWKSet(jwks.body), { issuer: BASE, audience, algorithms: ["ES256"] });
}

function expectTokenResponse(reply: Reply): void {
  expect(reply.status, reply.text).toBe(200);
  expect(reply.headers.get("content-type")).toBe("application/json");
  expect(reply.headers.get("cache-control")).toBe("no-store");
  expect(reply.headers.get("pragma")).toBe("no-cache");
  expect(reply.body).toMatchObject({
    access_token: expect.stringMatching(/^[0-9a-z]{26}\.[A-Za-z0-9_-]{43}$/),
    token_type: "Bearer",
    expires_in: 3600,
    id_token: expect.any(String),
  });
}

describe("POST /oauth/token", () => {
  it("exchanges a code with client_secret_basic: ID token, access token and the SPEC §4 profile", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId, nonce: "n-0S6_WzA2Mj" });
    const reply = await tokenRequest(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
      { authorization: basic(confidential.clientId, confidential.clientSecret!) },
    );
    expectTokenResponse(reply);
    const profile = reply.body.profile;
    expect(profile).toEqual({
      id: expect.stringMatching(/^user_/),
      organizationId: tenant.orgId,
      connectionId: tenant.connectionId,
      connectionType: "saml",
      idpId: expect.stringMatching(/^nameid-/),
      email: `ada@${tenant.domain}`,
      firstName: "Ada",
      lastName: "Lovelace",
      groups: ["engineering"],
      roles: ["admin"],
      rawAttributes: { department: ["R&D"] },
    });
    const { payload, protectedHeader } = await verifyIdToken(reply.body.id_token, confidential.clientId);
    expect(protectedHeader).toMatchObject({ alg: "ES256", kid: expect.any(String), typ: "JWT" });
    expect(payload).toEqual({
      iss: BASE,
      aud: confidential.clientId,
      sub: profile.id,
      iat: expect.any(Number),
      exp: expect.any(Number),
      nonce: "n-0S6_WzA2Mj",
      email: profile.email,
      email_verified: true,
      given_name: "Ada",
      family_name: "Lovelace",
      name: "Ada Lovelace",
      org_id: tenant.orgId,
      groups: ["engineering"],
      roles: ["admin"],
      sid: expect.stringMatching(/^[0-9a-z]{26}\.[A-Za-z0-9_-]{43}$/),
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(30);
  });

  it("exchanges a code with client_secret_post; no nonce claim when the request had none", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    const reply = await tokenRequest({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: confidential.clientId,
      client_secret: confidential.clientSecret!,
    });
    expectTokenResponse(reply);
    const { payload } = await verifyIdToken(reply.body.id_token, confidential.clientId);
    expect(payload).not.toHaveProperty("nonce");
  });

  it("accepts Basic with the client_id repeated in the form (RFC 6749 §2.3.1)", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    const reply = await tokenRequest(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, client_id: confidential.clientId },
      { authorization: basic(confidential.clientId, confidential.clientSecret!) },
    );
    expectTokenResponse(reply);
  });

  it("lets a public client redeem with PKCE alone (RFC 7636 §4.5)", async () => {
    const { verifier, challenge } = await pkcePair();
    const code = await issueCode(tenant, { clientId: publicClient.clientId, codeChallenge: challenge, nonce: "abc" });
    const reply = await tokenRequest({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: publicClient.clientId,
      code_verifier: verifier,
    });
    expectTokenResponse(reply);
    const { payload } = await verifyIdToken(reply.body.id_token, publicClient.clientId);
    expect(payload).toMatchObject({ aud: publicClient.clientId, nonce: "abc" });
  });

  it("lets a confidential client add PKCE", async () => {
    const { verifier, challenge } = await pkcePair();
    const code = await issueCode(tenant, { clientId: confidential.clientId, codeChallenge: challenge });
    const reply = await tokenRequest(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      { authorization: basic(confidential.clientId, confidential.clientSecret!) },
    );
    expectTokenResponse(reply);
  });

  it("signs with the key JWKS publishes under the token's kid", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    const reply = await tokenRequest({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: confidential.clientId,
      client_secret: confidential.clientSecret!,
    });
    const { kid } = decodeProtectedHeader(reply.body.id_token);
    const jwks = await send("/.well-known/jwks.json");
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(kid);
  });
});

describe("/oauth/userinfo", () => {
  async function accessToken(): Promise<{ token: string; sub: string }> {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    const reply = await tokenRequest(
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
      { authorization: basic(confidential.clientId, confidential.clientSecret!) },
    );
    return { token: reply.body.access_token, sub: reply.body.profile.id };
  }

  const claims = (sub: string) => ({
    sub,
    email: `ada@${tenant.domain}`,
    email_verified: true,
    given_name: "Ada",
    family_name: "Lovelace",
    name: "Ada Lovelace",
    groups: ["engineering"],
    roles: ["admin"],
    org_id: tenant.orgId,
  });

  it("returns the SPEC §4 claims for the access token, by GET and by POST (OIDC Core §5.3.1)", async () => {
    const { token, sub } = await accessToken();
    for (const method of ["GET", "POST"]) {
      const reply = await send("/oauth/userinfo", { method, headers: { authorization: `Bearer ${token}` } });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers.get("cache-control")).toBe("no-store");
      expect(reply.body).toEqual(claims(sub));
    }
  });

  it("refuses an unknown or malformed token with a Bearer invalid_token challenge (RFC 6750 §3.1)", async () => {
    const { token } = await accessToken();
    const forged = `${token.slice(0, 27)}${"A".repeat(43)}`;
    for (const value of [forged, "not-a-token", `${token}x`]) {
      const reply = await send("/oauth/userinfo", { headers: { authorization: `Bearer ${value}` } });
      expect(reply.status).toBe(401);
      expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer realm="edge-sso", error="invalid_token"/);
      expect(reply.body.error).toBe("invalid_token");
      expect(reply.headers.get("content-type")).toBe("application/json");
    }
  });

  it("answers a request without a token with a bare Bearer challenge", async () => {
    const reply = await send("/oauth/userinfo");
    expect(reply.status).toBe(401);
    expect(reply.headers.get("www-authenticate")).toBe('Bearer realm="edge-sso"');
    const basicAuth = await send("/oauth/userinfo", { headers: { authorization: "Basic Zm9vOmJhcg==" } });
    expect(basicAuth.status).toBe(401);
    expect(basicAuth.headers.get("www-authenticate")).toMatch(/error="invalid_token"/);
  });
});
