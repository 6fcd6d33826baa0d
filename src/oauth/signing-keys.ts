import { calculateJwkThumbprint, importJWK, type JWK } from "jose";
import type { Env } from "../env";
import { seal, unseal } from "../crypto/seal";
import type { NewSigningKey, SigningKeyRecord } from "../store/app/signing-key-ops";
import { appOp } from "../store/stores";
import { ID_TOKEN_TTL_S, SIGNING_KEY_CACHE_MS } from "./lifetimes";

/**
 * ID-token signing keys (SPEC §4): ES256 keys generated with WebCrypto, kept in the
 * app-wide "signing-keys" object with the private JWK sealed. The active key is cached
 * per isolate for SIGNING_KEY_CACHE_MS, so a rotation elsewhere is picked up within that
 * time; JWKS is always read from the object, so a key is published before any isolate
 * signs with it.
 */

/** The key tokens are signed with. */
export interface ActiveSigningKey {
  kid: string;
  alg: "ES256";
  privateKey: CryptoKey;
}

/** A retired key stays in JWKS while tokens it signed can still be valid. */
const RETAIN_MS = ID_TOKEN_TTL_S * 1000;

let cached: { key: ActiveSigningKey; fetchedAt: number } | null = null;

/** Generates an ES256 (P-256) key pair; its `kid` is the RFC 7638 thumbprint. */
export async function generateSigningKey(env: Pick<Env, "SECRETS_KEY">): Promise<NewSigningKey> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const publicJwk = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JWK;
  const privateJwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JWK;
  const kid = await calculateJwkThumbprint(publicJwk, "sha256");
  const { kty, crv, x, y } = publicJwk;
  return {
    kid,
    alg: "ES256",
    publicJwk: JSON.stringify({ kty, crv, x, y, kid, alg: "ES256", use: "sig" }),
    privateJwkSealed: await seal(env, JSON.stringify({ kty, crv, x, y, d: privateJwk.d })),
  };
}

/** The active signing key, creating the first one on first use. `now` in epoch ms. */
export async function activeSigningKey(env: Env, now: number): Promise<ActiveSigningKey> {
  if (cached && now - cached.fetchedAt < SIGNING_KEY_CACHE_MS) return cached.key;
  const keys = await appOp(env, "signing-keys", "getSigningKeys", { retainMs: RETAIN_MS });
  const record =
    keys.active ?? (await appOp(env, "signing-keys", "ensureActiveKey", { key: await generateSigningKey(env) }));
  const key = cached?.key.kid === record.kid ? cached.key : await openSigningKey(env, record);
  cached = { key, fetchedAt: now };
  return key;
}

async function openSigningKey(env: Env, record: SigningKeyRecord): Promise<ActiveSigningKey> {
  const jwk = JSON.parse(await unseal(env, record.privateJwkSealed)) as JWK;
  const privateKey = (await importJWK(jwk, record.alg, { extractable: false })) as CryptoKey;
  return { kid: record.kid, alg: record.alg, privateKey };
}

/**
 * The JSON Web Key Set (RFC 7517 §5): the active key and retired keys still within RETAIN_MS.
 * On a fresh instance the first request creates the first key, so an RP that caches JWKS
 * before the first login already holds the key of the first ID token (ensureActiveKey makes
 * racing isolates agree on one key).
 */
export async function publishedJwks(env: Env): Promise<{ keys: JWK[] }> {
  let keys = await appOp(env, "signing-keys", "getSigningKeys", { retainMs: RETAIN_MS });
  if (!keys.active) {
    await appOp(env, "signing-keys", "ensureActiveKey", { key: await generateSigningKey(env) });
    keys = await appOp(env, "signing-keys", "getSigningKeys", { retainMs: RETAIN_MS });
  }
  return { keys: keys.published.map((k) => JSON.parse(k.publicJwk) as JWK) };
}

/**
 * Creates a new active key; the previous one is retired and stays in JWKS for RETAIN_MS.
 * This isolate switches at once; others within SIGNING_KEY_CACHE_MS.
 */
export async function rotateSigningKey(env: Env, actor: string): Promise<SigningKeyRecord> {
  const record = await appOp(
    env,
    "signing-keys",
    "rotateSigningKey",
    { key: await generateSigningKey(env), retainMs: RETAIN_MS },
    actor,
  );
  cached = null;
  return record;
}
