import { all, one } from "../sql";
import { recordAppEvent, type AppContext } from "./context";

/**
 * An ID-token signing key of edge-sso's OpenID provider (SPEC §4). The private JWK is
 * sealed with SECRETS_KEY (crypto/seal.ts) before it reaches the store; the store never
 * sees it in clear. At most one key is unretired (`retiredAt` null): the newest.
 *
 * A rotation publishes before it signs (SPEC §4): the new key signs only from `signsFrom`,
 * once every copy of JWKS that could lack it (an isolate's, an HTTP cache's) has expired,
 * and the previous key signs until then (`retiredAt` is when a key stops signing; it stays
 * published for one ID-token lifetime after).
 */
export interface SigningKeyRecord {
  /** RFC 7638 JWK thumbprint of the public key; the `kid` header of every token it signs. */
  kid: string;
  alg: "ES256";
  /** Public JWK as JSON (with `kid`, `alg`, `use`). */
  publicJwk: string;
  /** Private JWK as JSON, sealed (`v1.…`). */
  privateJwkSealed: string;
  createdAt: string;
  /** When ID tokens start being signed with it (ISO-8601): its `createdAt`, or later after a rotation. */
  signsFrom: string;
  /** When it stopped (or stops) signing; null while it is the newest key. */
  retiredAt: string | null;
}

/** A freshly generated key, as the worker hands it to the store. */
export type NewSigningKey = Pick<SigningKeyRecord, "kid" | "alg" | "publicJwk" | "privateJwkSealed">;

/**
 * The keys a verifier may meet (JWKS): the newest first, then retired ones whose tokens can
 * still be valid. Which one signs at a given time is `signingKeyAt` (src/oauth/signing-keys.ts).
 */
export interface SigningKeySet {
  published: SigningKeyRecord[];
}

type Row = {
  kid: string;
  alg: string;
  public_jwk: string;
  private_jwk_sealed: string;
  created_at: string;
  retired_at: string | null;
  signs_from: string | null;
};
const toKey = (r: Row): SigningKeyRecord => ({
  kid: r.kid,
  alg: r.alg as "ES256",
  publicJwk: r.public_jwk,
  privateJwkSealed: r.private_jwk_sealed,
  createdAt: r.created_at,
  // Null in rows written before migration 4 (no rotation then deferred the new key).
  signsFrom: r.signs_from ?? r.created_at,
  retiredAt: r.retired_at,
});

/**
 * Drops keys retired longer ago than `retainMs` (the longest lifetime of a token they
 * signed): no valid token can name them any more, so they leave JWKS.
 */
function sweepRetired(ctx: AppContext, retainMs: number): void {
  const cutoff = new Date(ctx.now.getTime() - retainMs).toISOString();
  ctx.sql.exec("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < ?", cutoff);
}

function newestKey(ctx: AppContext): SigningKeyRecord | null {
  const row = one<Row>(ctx.sql, "SELECT * FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1");
  return row ? toKey(row) : null;
}

function insertKey(ctx: AppContext, key: NewSigningKey, signsFrom: Date): SigningKeyRecord {
  ctx.sql.exec(
    `INSERT INTO signing_keys (kid, alg, public_jwk, private_jwk_sealed, created_at, retired_at, signs_from)
     VALUES (?, ?, ?, ?, ?, NULL, ?)`,
    key.kid,
    key.alg,
    key.publicJwk,
    key.privateJwkSealed,
    ctx.now.toISOString(),
    signsFrom.toISOString(),
  );
  return newestKey(ctx)!;
}

/** Every key JWKS still publishes, the newest first. */
function getSigningKeys(ctx: AppContext, input: { retainMs: number }): SigningKeySet {
  sweepRetired(ctx, input.retainMs);
  const rows = all<Row>(ctx.sql, "SELECT * FROM signing_keys ORDER BY retired_at IS NOT NULL, created_at DESC");
  return { published: rows.map(toKey) };
}

/**
 * Makes `key` the active key only when there is none yet (the first token ever issued),
 * and returns whichever key is active: two isolates racing to create the first key end
 * up using the same one.
 */
function ensureActiveKey(ctx: AppContext, input: { key: NewSigningKey }): SigningKeyRecord {
  const existing = newestKey(ctx);
  if (existing) return existing;
  // The first key signs at once: no copy of JWKS anywhere predates it (JWKS creates it too).
  const created = insertKey(ctx, input.key, ctx.now);
  recordAppEvent(ctx, "signing_key.created", created.kid, { alg: created.alg });
  return created;
}

/**
 * Publishes `key` now and makes it the signing key `leadMs` later; the newest key until then
 * keeps signing and is retired at that moment (it stays published `retainMs` after).
 */
function rotateSigningKey(
  ctx: AppContext,
  input: { key: NewSigningKey; retainMs: number; leadMs: number },
): SigningKeyRecord {
  sweepRetired(ctx, input.retainMs);
  const previous = newestKey(ctx);
  const switchAt = new Date(ctx.now.getTime() + input.leadMs);
  ctx.sql.exec("UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL", switchAt.toISOString());
  const created = insertKey(ctx, input.key, switchAt);
  recordAppEvent(ctx, "signing_key.rotated", created.kid, {
    alg: created.alg,
    previousKid: previous?.kid ?? null,
    signsFrom: created.signsFrom,
  });
  return created;
}

export const signingKeyOps = { getSigningKeys, ensureActiveKey, rotateSigningKey };
