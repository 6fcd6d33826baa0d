/** SPEC §4: the discovery document, JWKS, and signing-key rotation. */
import { runInDurableObject } from "cloudflare:test";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ROTATION_LEAD_MS } from "../../../src/oauth/lifetimes";
import { generateSigningKey } from "../../../src/oauth/signing-keys";
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
const verify = async (token: string, currentDate?: Date) =>
  jwtVerify(token, createLocalJWKSet(await jwks()), {
    issuer: BASE,
    audience: client.clientId,
    ...(currentDate ? { currentDate } : {}),
  });

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

  it("publishes a new key at once, signs with it once every cached JWKS has it, keeps the old one until its tokens expire", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      const before = await idToken();
      const oldKid = decodeProtectedHeader(before).kid!;
      const rotatedAt = Date.now();
      const reply = await rotate();
      expect(reply.status, reply.text).toBe(201);
      const newKid = reply.body.kid as string;
      // The lead: this isolate's copy of the key set (30 s), then an HTTP cache's JWKS (max-age 60).
      const signsFrom = rotatedAt + 90_000;
      expect(reply.body).toMatchObject({
        alg: "ES256",
        createdAt: new Date(rotatedAt).toISOString(),
        signsFrom: new Date(signsFrom).toISOString(),
        publicJwk: { kid: newKid, kty: "EC" },
      });
      expect(newKid).not.toBe(oldKid);
      // Published at once (this isolate forgot its copy), and not yet signing.
      expect(await kids()).toEqual([newKid, oldKid]);
      vi.setSystemTime(signsFrom - 1);
      expect(decodeProtectedHeader(await idToken()).kid).toBe(oldKid);

      vi.setSystemTime(signsFrom);
      const after = await idToken();
      expect(decodeProtectedHeader(after).kid).toBe(newKid);
      await verify(after);
      await verify(before, new Date(rotatedAt));

      // The old key stopped signing at signsFrom; an ID-token lifetime (1 h) later it leaves
      // JWKS, once this isolate's copy of the key set (30 s) has expired.
      vi.setSystemTime(signsFrom + 3_600_000 + 1_000);
      expect(await kids()).toEqual([newKid]);
      await expect(verify(before, new Date(rotatedAt))).rejects.toThrow();
      await verify(after, new Date(signsFrom));
    } finally {
      vi.useRealTimers();
    }
  });

  it("never signs with a key an isolate's JWKS lacks, when another isolate rotated", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      const oldKid = decodeProtectedHeader(await idToken()).kid!;
      expect(await kids()).toContain(oldKid); // this isolate's copy, read now
      const rotatedAt = Date.now();
      // The rotation as another isolate makes it: this isolate's copy is not forgotten.
      const store = workerEnv.APP.get(workerEnv.APP.idFromName("signing-keys"));
      const rotated = await runInDurableObject(store, async (instance: AppStore) =>
        instance.run(
          "signing-keys",
          "rotateSigningKey",
          { key: await generateSigningKey(workerEnv), retainMs: 3_600_000, leadMs: ROTATION_LEAD_MS },
          "test",
          rotatedAt,
        ),
      );
      expect(rotated.ok).toBe(true);
      const newKid = rotated.ok ? rotated.value.kid : "";
      // For up to 30 s this isolate still serves the old set, and signs with a key in it.
      vi.setSystemTime(rotatedAt + 29_999);
      expect(await kids()).not.toContain(newKid);
      expect(decodeProtectedHeader(await idToken()).kid).toBe(oldKid);
      // Then it has the new key, well before any isolate signs with it.
      vi.setSystemTime(rotatedAt + 30_000);
      expect(await kids()).toContain(newKid);
      expect(decodeProtectedHeader(await idToken()).kid).toBe(oldKid);
      vi.setSystemTime(rotatedAt + ROTATION_LEAD_MS);
      expect(decodeProtectedHeader(await idToken()).kid).toBe(newKid);
    } finally {
      vi.useRealTimers();
    }
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
