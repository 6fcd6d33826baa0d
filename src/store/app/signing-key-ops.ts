import { all, one } from "../sql";
import { recordAppEvent, type AppContext } from "./context";

/**
 * An ID-token signing key of edge-sso's OpenID provider (SPEC §4). The private JWK is
 * sealed with SECRETS_KEY (crypto/seal.ts) before it reaches the store; the store never
 * sees it in clear. At most one key is active (`retiredAt` null).
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
  retiredAt: string | null;
}

/** A freshly generated key, as the worker hands it to the store. */
export type NewSigningKey = Pick<SigningKeyRecord, "kid" | "alg" | "publicJwk" | "privateJwkSealed">;

/** The keys a verifier may meet: the active one, and retired ones whose tokens can still be valid. */
export interface SigningKeySet {
  active: SigningKeyRecord | null;
  published: SigningKeyRecord[];
}

type Row = {
  kid: string;
  alg: string;
  public_jwk: string;
  private_jwk_sealed: string;
  created_at: string;
  retired_at: string | null;
};
const toKey = (r: Row): SigningKeyRecord => ({
  kid: r.kid,
  alg: r.alg as "ES256",
  publicJwk: r.public_jwk,
  privateJwkSealed: r.private_jwk_sealed,
  createdAt: r.created_at,
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

function activeKey(ctx: AppContext): SigningKeyRecord | null {
  const row = one<Row>(ctx.sql, "SELECT * FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1");
  return row ? toKey(row) : null;
}

function insertKey(ctx: AppContext, key: NewSigningKey): SigningKeyRecord {
  ctx.sql.exec(
    "INSERT INTO signing_keys VALUES (?, ?, ?, ?, ?, NULL)",
    key.kid,
    key.alg,
    key.publicJwk,
    key.privateJwkSealed,
    ctx.now.toISOString(),
  );
  return activeKey(ctx)!;
}

/** The active key and every key JWKS still publishes (active first). */
function getSigningKeys(ctx: AppContext, input: { retainMs: number }): SigningKeySet {
  sweepRetired(ctx, input.retainMs);
  const rows = all<Row>(ctx.sql, "SELECT * FROM signing_keys ORDER BY retired_at IS NOT NULL, created_at DESC");
  return { active: activeKey(ctx), published: rows.map(toKey) };
}

/**
 * Makes `key` the active key only when there is none yet (the first token ever issued),
 * and returns whichever key is active: two isolates racing to create the first key end
 * up using the same one.
 */
function ensureActiveKey(ctx: AppContext, input: { key: NewSigningKey }): SigningKeyRecord {
  const existing = activeKey(ctx);
  if (existing) return existing;
  const created = insertKey(ctx, input.key);
  recordAppEvent(ctx, "signing_key.created", created.kid, { alg: created.alg });
  return created;
}

/** Retires the active key (it stays published for `retainMs`) and activates `key`. */
function rotateSigningKey(ctx: AppContext, input: { key: NewSigningKey; retainMs: number }): SigningKeyRecord {
  sweepRetired(ctx, input.retainMs);
  const previous = activeKey(ctx);
  ctx.sql.exec("UPDATE signing_keys SET retired_at = ? WHERE retired_at IS NULL", ctx.now.toISOString());
  const created = insertKey(ctx, input.key);
  recordAppEvent(ctx, "signing_key.rotated", created.kid, { alg: created.alg, previousKid: previous?.kid ?? null });
  return created;
}

export const signingKeyOps = { getSigningKeys, ensureActiveKey, rotateSigningKey };
