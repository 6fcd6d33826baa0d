/** SPEC §4: the discovery document, JWKS, and signing-key rotation. */
import { runInDurableObject } from "cloudflare:test";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BASE,
  basic,
  createClient,
  createTenant,
  issueCode,
  REDIRECT_URI,
  ROOT_KEY,
  send,
  tokenRequest,
  type Client,
  type Tenant,
  workerEnv,
} from "./helpers";
import type { AppStore } from "../../../src/store/app-store";
import { eventually } from "../admin/helpers";

let tenant: Tenant;
let client: Client;

beforeAll(async () => {
  tenant = await createTenant();
  client = await createClient();
}, 60_000);

async function idToken(): Promise<string> {
  const code = await issueCode(tenant, { clientId: client.clientId });
  const reply = await tokenRequest(
    { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
    { authorization: basic(client.clientId, client.clientSecret!) },
  );
  expect(reply.status, reply.text).toBe(200);
  return reply.body.id_token as string;
}

const jwks = async () => (await send("/.well-known/jwks.json")).body as { keys: Array<Record<string, string>> };
const kids = async () => (await jwks()).keys.map((k) => k.kid);
const rotate = () =>
  send("/api/v1/signing-keys/rotate", { method: "POST", headers: { authorization: `Bearer ${ROOT_KEY}` } });
const verify = async (token: string) =>
  jwtVerify(token, createLocalJWKSet(await jwks()), { issuer: BASE, audience: client.clientId });

describe("GET /.well-known/openid-configuration", () => {
  it("describes the provider under PUBLIC_URL (OIDC Discovery §3)", async () => {
    const reply = await send("/.well-known/openid-configuration");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("application/json");
    expect(reply.headers.get("cache-control")).toBe("public, max-age=60");
    expect(reply.body).toMatchObject({
      issuer: BASE,
      authorization_endpoint: `${BASE}/oauth/authorize`,
      token_endpoint: `${BASE}/oauth/token`,
      userinfo_endpoint: `${BASE}/oauth/userinfo`,
      jwks_uri: `${BASE}/.well-known/jwks.json`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["ES256"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
      code_challenge_methods_supported: ["S256"],
      scopes_supported: ["openid", "email", "profile"],
    });
    expect(reply.body.claims_supported).toEqual(
      expect.arrayContaining(["sub", "email", "email_verified", "org_id", "groups", "roles", "nonce"]),
    );
  });
});

describe("/openapi.json", () => {
  it("lists the OpenID provider's routes, public ones without security", async () => {
    const { body } = await send("/openapi.json");
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        "/oauth/token",
        "/oauth/userinfo",
        "/.well-known/openid-configuration",
        "/.well-known/jwks.json",
        "/api/v1/signing-keys/rotate",
      ]),
    );
    expect(body.paths["/oauth/token"].post.security).toEqual([]);
    expect(Object.keys(body.paths["/oauth/userinfo"]).sort()).toEqual(["get", "options", "post"]);
    expect(body.paths["/api/v1/signing-keys/rotate"].post.security).toBeUndefined();
  });
});

describe("GET /.well-known/jwks.json", () => {
  it("publishes public ES256 keys only, cacheable briefly", async () => {
    await idToken();
    const reply = await send("/.well-known/jwks.json");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("application/jwk-set+json");
    expect(reply.headers.get("cache-control")).toBe("public, max-age=60");
    expect(reply.body.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of reply.body.keys) {
      expect(key).toEqual({
        kty: "EC",
        crv: "P-256",
        x: expect.any(String),
        y: expect.any(String),
        kid: expect.any(String),
        alg: "ES256",
        use: "sig",
      });
    }
  });
});

describe("POST /api/v1/signing-keys/rotate", () => {
  it("needs an app-wide key", async () => {
    expect((await send("/api/v1/signing-keys/rotate", { method: "POST" })).status).toBe(401);
  });

  it("publishes a new key, signs with it, and keeps the old one until its tokens expire", async () => {
    const before = await idToken();
    const oldKid = decodeProtectedHeader(before).kid!;
    const reply = await rotate();
    expect(reply.status, reply.text).toBe(201);
    const newKid = reply.body.kid as string;
    expect(reply.body).toMatchObject({
      alg: "ES256",
      createdAt: expect.any(String),
      publicJwk: { kid: newKid, kty: "EC" },
    });
    expect(newKid).not.toBe(oldKid);
    expect(await kids()).toEqual([newKid, oldKid]);

    const after = await idToken();
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    await verify(after);
    await verify(before);

    // An hour later (the ID token lifetime) the retired key leaves JWKS.
    const store = workerEnv.APP.get(workerEnv.APP.idFromName("signing-keys"));
    const later = Date.now() + 3_600_000 + 1_000;
    await runInDurableObject(store, (instance: AppStore) =>
      instance.run("signing-keys", "getSigningKeys", { retainMs: 3_600_000 }, "test", later),
    );
    expect(await kids()).toEqual([newKid]);
    await expect(verify(before)).rejects.toThrow();
    await verify(after);
  });

  it("records the rotation in the app-wide audit log", async () => {
    const reply = await rotate();
    // The signing-keys object forwards its events to the feed from its own task, after answering.
    const events = await eventually(
      () => send("/api/v1/events?limit=100", { headers: { authorization: `Bearer ${ROOT_KEY}` } }),
      (r) => r.body.data.some((e: { target: string }) => e.target === reply.body.kid),
    );
    expect(events.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "signing_key.rotated", target: reply.body.kid, actor: "root" }),
      ]),
    );
  });
});
