import { notFound } from "../../http/api-error";
import { all, one, toPage, type Page, type PageRequest } from "../sql";
import { recordAppEvent, type AppContext } from "./context";

/** A minted admin API key; the key itself is stored only as its SHA-256 hash. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  scope: string;
  keyPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

type Row = {
  id: string;
  name: string;
  scope: string;
  key_prefix: string;
  created_at: string;
  last_used_at: string | null;
};
const toKey = (r: Row): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  scope: r.scope,
  keyPrefix: r.key_prefix,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

function createApiKey(
  ctx: AppContext,
  input: { id: string; name: string; scope: string; keyHash: string; keyPrefix: string },
): ApiKeyRecord {
  ctx.sql.exec(
    "INSERT INTO api_keys (id, name, scope, key_hash, key_prefix, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    input.id,
    input.name,
    input.scope,
    input.keyHash,
    input.keyPrefix,
    ctx.now.toISOString(),
  );
  recordAppEvent(ctx, "api_key.created", input.id, { name: input.name, scope: input.scope });
  return toKey(one<Row>(ctx.sql, "SELECT * FROM api_keys WHERE id = ?", input.id)!);
}

function listApiKeys(ctx: AppContext, input: PageRequest): Page<ApiKeyRecord> {
  const rows = all<Row>(
    ctx.sql,
    `SELECT * FROM api_keys WHERE (?1 IS NULL OR (created_at, id) > (SELECT created_at, id FROM api_keys WHERE id = ?1))
     ORDER BY created_at, id LIMIT ?2`,
    input.after ?? null,
    input.limit + 1,
  );
  return toPage(rows.map(toKey), input.limit, (k) => k.id);
}

function deleteApiKey(ctx: AppContext, input: { id: string }): ApiKeyRecord {
  const row = one<Row>(ctx.sql, "SELECT * FROM api_keys WHERE id = ?", input.id);
  if (!row) throw notFound("API key");
  ctx.sql.exec("DELETE FROM api_keys WHERE id = ?", input.id);
  recordAppEvent(ctx, "api_key.deleted", input.id, { name: row.name });
  return toKey(row);
}

/** Looks a presented key up by its hash (admin auth); `lastUsedAt` is kept to the minute. */
function findApiKeyByHash(ctx: AppContext, input: { keyHash: string }): ApiKeyRecord | null {
  const row = one<Row>(ctx.sql, "SELECT * FROM api_keys WHERE key_hash = ?", input.keyHash);
  if (!row) return null;
  const now = ctx.now.toISOString();
  if (!row.last_used_at || Date.parse(row.last_used_at) < ctx.now.getTime() - 60_000) {
    ctx.sql.exec("UPDATE api_keys SET last_used_at = ? WHERE id = ?", now, row.id);
    row.last_used_at = now;
  }
  return toKey(row);
}

/** Revokes every key of a scope (an org's keys, when the org is deleted). */
function deleteApiKeysOfScope(ctx: AppContext, input: { scope: string }): number {
  const ids = all<{ id: string }>(ctx.sql, "SELECT id FROM api_keys WHERE scope = ?", input.scope);
  for (const { id } of ids) {
    ctx.sql.exec("DELETE FROM api_keys WHERE id = ?", id);
    recordAppEvent(ctx, "api_key.deleted", id, { reason: "organization_deleted" });
  }
  return ids.length;
}

export const apiKeyOps = { createApiKey, listApiKeys, deleteApiKey, findApiKeyByHash, deleteApiKeysOfScope };
