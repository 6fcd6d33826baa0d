import { notFound } from "../../http/api-error";
import { changedFields } from "../../lib/changed-fields";
import { all, one, toPage, type Page, type PageRequest } from "../sql";
import { recordAppEvent, type AppContext } from "./context";

/** An OAuth client of edge-sso's OpenID provider (SPEC §4). */
export interface ClientRecord {
  clientId: string;
  name: string;
  redirectUris: string[];
  /** Where RP-initiated logout may return (SPEC §9); kept for when logout is built. */
  postLogoutRedirectUris: string[];
  /** Browser origins (`scheme://host[:port]`) that may call the token and userinfo endpoints (CORS). */
  allowedOrigins: string[];
  public: boolean;
  backchannelLogoutUri: string | null;
  /** SHA-256 of the secret; null for public clients. Never leaves the worker. */
  secretHash: string | null;
  createdAt: string;
  updatedAt: string;
}

type Row = {
  client_id: string;
  name: string;
  redirect_uris: string;
  public: number;
  backchannel_logout_uri: string | null;
  secret_hash: string | null;
  created_at: string;
  updated_at: string;
  post_logout_redirect_uris: string;
  allowed_origins: string;
};
const toClient = (r: Row): ClientRecord => ({
  clientId: r.client_id,
  name: r.name,
  redirectUris: JSON.parse(r.redirect_uris) as string[],
  postLogoutRedirectUris: JSON.parse(r.post_logout_redirect_uris) as string[],
  allowedOrigins: JSON.parse(r.allowed_origins) as string[],
  public: r.public === 1,
  backchannelLogoutUri: r.backchannel_logout_uri,
  secretHash: r.secret_hash,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function createClient(ctx: AppContext, input: Omit<ClientRecord, "createdAt" | "updatedAt">): ClientRecord {
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    `INSERT INTO clients (client_id, name, redirect_uris, public, backchannel_logout_uri, secret_hash, created_at,
       updated_at, post_logout_redirect_uris, allowed_origins) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    input.clientId,
    input.name,
    JSON.stringify(input.redirectUris),
    input.public ? 1 : 0,
    input.backchannelLogoutUri,
    input.secretHash,
    now,
    now,
    JSON.stringify(input.postLogoutRedirectUris),
    JSON.stringify(input.allowedOrigins),
  );
  recordAppEvent(ctx, "client.created", input.clientId, {
    name: input.name,
    redirectUris: input.redirectUris,
    allowedOrigins: input.allowedOrigins,
    public: input.public,
  });
  return getClient(ctx, { clientId: input.clientId })!;
}

function getClient(ctx: AppContext, input: { clientId: string }): ClientRecord | null {
  const row = one<Row>(ctx.sql, "SELECT * FROM clients WHERE client_id = ?", input.clientId);
  return row ? toClient(row) : null;
}

function listClients(ctx: AppContext, input: PageRequest): Page<ClientRecord> {
  const rows = all<Row>(
    ctx.sql,
    `SELECT * FROM clients WHERE (?1 IS NULL OR (created_at, client_id) > (SELECT created_at, client_id FROM clients WHERE client_id = ?1))
     ORDER BY created_at, client_id LIMIT ?2`,
    input.after ?? null,
    input.limit + 1,
  );
  return toPage(rows.map(toClient), input.limit, (c) => c.clientId);
}

/** The fields `PATCH /clients/{clientId}` may change (SPEC §2). */
export interface ClientPatch {
  clientId: string;
  name?: string | undefined;
  redirectUris?: string[] | undefined;
  postLogoutRedirectUris?: string[] | undefined;
  allowedOrigins?: string[] | undefined;
  backchannelLogoutUri?: string | null | undefined;
}

/** Changes a client's fields; `client.updated` lists exactly what changed (nothing: no write, no event). */
function updateClient(ctx: AppContext, patch: ClientPatch): ClientRecord {
  const current = getClient(ctx, patch);
  if (!current) throw notFound("Client");
  const editable = (c: Pick<ClientRecord, keyof Omit<ClientPatch, "clientId">>) => ({
    name: c.name,
    redirectUris: c.redirectUris,
    postLogoutRedirectUris: c.postLogoutRedirectUris,
    allowedOrigins: c.allowedOrigins,
    backchannelLogoutUri: c.backchannelLogoutUri,
  });
  const next = {
    name: patch.name ?? current.name,
    redirectUris: patch.redirectUris ?? current.redirectUris,
    postLogoutRedirectUris: patch.postLogoutRedirectUris ?? current.postLogoutRedirectUris,
    allowedOrigins: patch.allowedOrigins ?? current.allowedOrigins,
    backchannelLogoutUri:
      patch.backchannelLogoutUri === undefined ? current.backchannelLogoutUri : patch.backchannelLogoutUri,
  };
  const changed = changedFields(editable(current), editable(next));
  if (changed.length === 0) return current;
  ctx.sql.exec(
    `UPDATE clients SET name = ?, redirect_uris = ?, post_logout_redirect_uris = ?, allowed_origins = ?,
       backchannel_logout_uri = ?, updated_at = ? WHERE client_id = ?`,
    next.name,
    JSON.stringify(next.redirectUris),
    JSON.stringify(next.postLogoutRedirectUris),
    JSON.stringify(next.allowedOrigins),
    next.backchannelLogoutUri,
    ctx.now.toISOString(),
    current.clientId,
  );
  recordAppEvent(ctx, "client.updated", current.clientId, { changed });
  return getClient(ctx, patch)!;
}

/**
 * Whether some client lists `origin` among its allowed origins: a CORS preflight names no
 * client, so it is answered for any registered origin (SPEC §2); the request itself is then
 * checked against its own client's origins.
 */
function isRegisteredOrigin(ctx: AppContext, input: { origin: string }): boolean {
  return !!one(
    ctx.sql,
    "SELECT 1 AS found FROM clients, json_each(clients.allowed_origins) WHERE json_each.value = ? LIMIT 1",
    input.origin,
  );
}

function deleteClient(ctx: AppContext, input: { clientId: string }): ClientRecord {
  const client = getClient(ctx, input);
  if (!client) throw notFound("Client");
  ctx.sql.exec("DELETE FROM clients WHERE client_id = ?", input.clientId);
  recordAppEvent(ctx, "client.deleted", input.clientId, { name: client.name });
  return client;
}

export const clientOps = { createClient, getClient, listClients, updateClient, isRegisteredOrigin, deleteClient };
