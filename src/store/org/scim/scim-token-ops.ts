import { notFound } from "../../../http/api-error";
import { scimUnauthorized } from "../../../scim/scim-error";
import { all, one, toPage, type Page, type PageRequest } from "../../sql";
import { recordEvent, type OrgContext } from "../context";
import { requireOrganization } from "../organization-ops";

/** A SCIM bearer token of the org as the admin API shows it (SPEC §10): never the token. */
export interface ScimTokenRecord {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

type TokenRow = { id: string; name: string; token_hash: string; created_at: string; last_used_at: string | null };

const toRecord = (r: TokenRow): ScimTokenRecord => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

/** `lastUsedAt` is refreshed at most this often, so a sync's reads do not each write it. */
const LAST_USED_GRANULARITY_MS = 60_000;

/** A new token's record; `setupLinkId` when the setup portal's SCIM step minted it. */
function createScimToken(
  ctx: OrgContext,
  input: { id: string; name: string; tokenHash: string; setupLinkId?: string },
): ScimTokenRecord {
  const org = requireOrganization(ctx);
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    "INSERT INTO scim_tokens (id, name, token_hash, created_at, last_used_at, setup_link_id) VALUES (?, ?, ?, ?, NULL, ?)",
    input.id,
    input.name,
    input.tokenHash,
    now,
    input.setupLinkId ?? null,
  );
  recordEvent(ctx, org.id, "scim_token.created", input.id, { name: input.name });
  return { id: input.id, name: input.name, createdAt: now, lastUsedAt: null };
}

function listScimTokens(ctx: OrgContext, input: PageRequest): Page<ScimTokenRecord> {
  requireOrganization(ctx);
  const rows = all<TokenRow>(
    ctx.sql,
    `SELECT * FROM scim_tokens WHERE (?1 IS NULL OR (created_at, id) > (SELECT created_at, id FROM scim_tokens WHERE id = ?1))
     ORDER BY created_at, id LIMIT ?2`,
    input.after ?? null,
    input.limit + 1,
  );
  return toPage(rows.map(toRecord), input.limit, (t) => t.id);
}

function getScimToken(ctx: OrgContext, input: { id: string }): ScimTokenRecord {
  requireOrganization(ctx);
  const row = one<TokenRow>(ctx.sql, "SELECT * FROM scim_tokens WHERE id = ?", input.id);
  if (!row) throw notFound("SCIM token");
  return toRecord(row);
}

/** Revokes a token: the next request that presents it gets 401 (SPEC §2: at once). */
function deleteScimToken(ctx: OrgContext, input: { id: string }): void {
  const org = requireOrganization(ctx);
  const row = one<TokenRow>(ctx.sql, "DELETE FROM scim_tokens WHERE id = ? RETURNING *", input.id);
  if (!row) throw notFound("SCIM token");
  recordEvent(ctx, org.id, "scim_token.deleted", input.id, { name: row.name });
}

/**
 * Authenticates a SCIM request inside the operation it runs (one round trip to the org's
 * object): the token hash must be one of this org's tokens, else 401 — also when the org
 * does not exist, so the answer never says whether it does. The operation's audit events
 * then name the token as their actor.
 */
export function requireScimToken(ctx: OrgContext, tokenHash: string): void {
  const row = one<TokenRow>(ctx.sql, "SELECT * FROM scim_tokens WHERE token_hash = ?", tokenHash);
  if (!row || !one(ctx.sql, "SELECT id FROM organization LIMIT 1")) throw scimUnauthorized();
  ctx.actor = `scim_token:${row.id}`;
  const lastUsed = row.last_used_at ? Date.parse(row.last_used_at) : 0;
  if (ctx.now.getTime() - lastUsed >= LAST_USED_GRANULARITY_MS) {
    ctx.sql.exec("UPDATE scim_tokens SET last_used_at = ? WHERE id = ?", ctx.now.toISOString(), row.id);
  }
}

/** A SCIM request that reads no org data (the discovery endpoints) still needs a token of the org. */
function scimAuthenticate(ctx: OrgContext, input: { tokenHash: string }): void {
  requireScimToken(ctx, input.tokenHash);
}

export const scimTokenOps = { createScimToken, listScimTokens, getScimToken, deleteScimToken, scimAuthenticate };
