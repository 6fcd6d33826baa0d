import { calculateJwkThumbprint, importJWK, type JWK } from "jose";
import type { Env } from "../env";
import { seal, unseal } from "../crypto/seal";
import type { NewSigningKey, SigningKeyRecord, SigningKeySet } from "../store/app/signing-key-ops";
import { IsolateCache } from "../store/cache/isolate-cache";
import { appOp } from "../store/stores";
import { ID_TOKEN_TTL_S, ROTATION_LEAD_MS, SIGNING_KEY_CACHE_MS } from "./lifetimes";

/**
 * ID-token signing keys (SPEC §4): ES256 keys generated with WebCrypto, kept in the
 * app-wide "signing-keys" object with the private JWK sealed. Signing and JWKS read the key
 * set through this isolate's copy (SPEC §1, at most SIGNING_KEY_CACHE_MS old), so neither
 * waits on the app-wide object per request. A rotation publishes first and signs later
 * (ROTATION_LEAD_MS): by the time any isolate signs with the new key, every isolate's JWKS and
 * every HTTP cache's copy of it has the key.
 */

/** The key tokens are signed with. */
export interface ActiveSigningKey {
  kid: string;
  alg: "ES256";
  privateKey: CryptoKey;
}

/** A retired key stays in JWKS while tokens it signed can still be valid. */
const RETAIN_MS = ID_TOKEN_TTL_S * 1000;

const keySets = new IsolateCache<SigningKeySet>({
  ttlMs: SIGNING_KEY_CACHE_MS,
  maxEntries: 1,
  negativeTtlMs: 0,
  maxNegative: 0,
});
/** Private keys opened in this isolate, by kid (only keys still published are kept). */
const opened = new Map<string, ActiveSigningKey>();

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

/**
 * The key that signs at `now` (pure): the newest published key whose `signsFrom` has come and
 * that is not yet retired. A clock a little behind the first key's creation (another
 * isolate's, or a request's taken before the key was made) gets the earliest such key. Null
 * when the set has none (no key was ever created).
 */
export function signingKeyAt(set: SigningKeySet, now: number): SigningKeyRecord | null {
  const unretired = set.published
    .filter((k) => k.retiredAt === null || Date.parse(k.retiredAt) > now)
    .sort((a, b) => Date.parse(b.signsFrom) - Date.parse(a.signsFrom));
  return unretired.find((k) => Date.parse(k.signsFrom) <= now) ?? unretired.at(-1) ?? null;
}

/** The key set from this isolate's copy, creating the first key ever when there is none. */
async function keySet(env: Env, now: number): Promise<SigningKeySet> {
  const read = () => appOp(env, "signing-keys", "getSigningKeys", { retainMs: RETAIN_MS });
  const set = (await keySets.get("keys", now, read))!;
  if (set.published.length > 0) return set;
  // ensureActiveKey makes racing isolates agree on one key.
  await appOp(env, "signing-keys", "ensureActiveKey", { key: await generateSigningKey(env) });
  keySets.clear();
  return (await keySets.get("keys", now, read))!;
}

/** The key ID tokens are signed with at `now` (epoch ms), creating the first one on first use. */
export async function activeSigningKey(env: Env, now: number): Promise<ActiveSigningKey> {
  const set = await keySet(env, now);
  const record = signingKeyAt(set, now);
  if (!record) throw new Error("no signing key signs now");
  const known = opened.get(record.kid);
  if (known) return known;
  const key = await openSigningKey(env, record);
  for (const kid of opened.keys()) if (!set.published.some((k) => k.kid === kid)) opened.delete(kid);
  opened.set(record.kid, key);
  return key;
}

async function openSigningKey(env: Env, record: SigningKeyRecord): Promise<ActiveSigningKey> {
  const jwk = JSON.parse(await unseal(env, record.privateJwkSealed)) as JWK;
  const privateKey = (await importJWK(jwk, record.alg, { extractable: false })) as CryptoKey;
  return { kid: record.kid, alg: record.alg, privateKey };
}

/**
 * The JSON Web Key Set (RFC 7517 §5): every published key, the one rotated in ahead of its
 * `signsFrom` included, and retired keys still within RETAIN_MS. On a fresh instance the
 * first request creates the first key, so an RP that caches JWKS before the first login
 * already holds the key of the first ID token.
 */
export async function publishedJwks(env: Env, now: number): Promise<{ keys: JWK[] }> {
  const set = await keySet(env, now);
  return { keys: set.published.map((k) => JSON.parse(k.publicJwk) as JWK) };
}

/**
 * Publishes a new key, which signs from ROTATION_LEAD_MS later; the previous one signs until
 * then and stays in JWKS for RETAIN_MS after. This isolate forgets its copy at once.
 */
export async function rotateSigningKey(env: Env, actor: string): Promise<SigningKeyRecord> {
  const record = await appOp(
    env,
    "signing-keys",
    "rotateSigningKey",
    { key: await generateSigningKey(env), retainMs: RETAIN_MS, leadMs: ROTATION_LEAD_MS },
    actor,
  );
  keySets.clear();
  return record;
}
