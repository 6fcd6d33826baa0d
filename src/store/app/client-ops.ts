import { notFound } from "../../http/api-error";
import { all, one, toPage, type Page, type PageRequest } from "../sql";
import { recordAppEvent, type AppContext } from "./context";

/** An OAuth client of edge-sso's OpenID provider (SPEC §4). */
export interface ClientRecord {
  clientId: string;
  name: string;
  redirectUris: string[];
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
};
const toClient = (r: Row): ClientRecord => ({
  clientId: r.client_id,
  name: r.name,
  redirectUris: JSON.parse(r.redirect_uris) as string[],
  public: r.public === 1,
  backchannelLogoutUri: r.backchannel_logout_uri,
  secretHash: r.secret_hash,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function createClient(ctx: AppContext, input: Omit<ClientRecord, "createdAt" | "updatedAt">): ClientRecord {
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    "INSERT INTO clients VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    input.clientId,
    input.name,
    JSON.stringify(input.redirectUris),
    input.public ? 1 : 0,
    input.backchannelLogoutUri,
    input.secretHash,
    now,
    now,
  );
  recordAppEvent(ctx, "client.created", input.clientId, {
    name: input.name,
    redirectUris: input.redirectUris,
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

function deleteClient(ctx: AppContext, input: { clientId: string }): ClientRecord {
  const client = getClient(ctx, input);
  if (!client) throw notFound("Client");
  ctx.sql.exec("DELETE FROM clients WHERE client_id = ?", input.clientId);
  recordAppEvent(ctx, "client.deleted", input.clientId, { name: client.name });
  return client;
}

export const clientOps = { createClient, getClient, listClients, deleteClient };
