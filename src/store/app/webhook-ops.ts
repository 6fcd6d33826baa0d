import { notFound } from "../../http/api-error";
import { all, one, toPage, type Page, type PageRequest } from "../sql";
import { recordAppEvent, type AppContext } from "./context";

/** A webhook endpoint; its signing secret is stored sealed and never returned after creation. */
export interface WebhookRecord {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

type Row = {
  id: string;
  url: string;
  events: string;
  enabled: number;
  secret_sealed: string;
  created_at: string;
  updated_at: string;
};
const toWebhook = (r: Row): WebhookRecord => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events) as string[],
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function requireRow(ctx: AppContext, id: string): Row {
  const row = one<Row>(ctx.sql, "SELECT * FROM webhooks WHERE id = ?", id);
  if (!row) throw notFound("Webhook");
  return row;
}

function createWebhook(
  ctx: AppContext,
  input: { id: string; url: string; events: string[]; enabled: boolean; secretSealed: string },
): WebhookRecord {
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    "INSERT INTO webhooks VALUES (?, ?, ?, ?, ?, ?, ?)",
    input.id,
    input.url,
    JSON.stringify(input.events),
    input.enabled ? 1 : 0,
    input.secretSealed,
    now,
    now,
  );
  recordAppEvent(ctx, "webhook.created", input.id, { url: input.url, events: input.events });
  return toWebhook(requireRow(ctx, input.id));
}

function listWebhooks(ctx: AppContext, input: PageRequest): Page<WebhookRecord> {
  const rows = all<Row>(
    ctx.sql,
    `SELECT * FROM webhooks WHERE (?1 IS NULL OR (created_at, id) > (SELECT created_at, id FROM webhooks WHERE id = ?1))
     ORDER BY created_at, id LIMIT ?2`,
    input.after ?? null,
    input.limit + 1,
  );
  return toPage(rows.map(toWebhook), input.limit, (w) => w.id);
}

function updateWebhook(
  ctx: AppContext,
  input: { id: string; url?: string | undefined; events?: string[] | undefined; enabled?: boolean | undefined },
): WebhookRecord {
  const current = toWebhook(requireRow(ctx, input.id));
  const next = {
    url: input.url ?? current.url,
    events: input.events ?? current.events,
    enabled: input.enabled ?? current.enabled,
  };
  ctx.sql.exec(
    "UPDATE webhooks SET url = ?, events = ?, enabled = ?, updated_at = ? WHERE id = ?",
    next.url,
    JSON.stringify(next.events),
    next.enabled ? 1 : 0,
    ctx.now.toISOString(),
    input.id,
  );
  recordAppEvent(ctx, "webhook.updated", input.id, { changed: Object.keys(input).filter((k) => k !== "id") });
  return toWebhook(requireRow(ctx, input.id));
}

function deleteWebhook(ctx: AppContext, input: { id: string }): WebhookRecord {
  const current = toWebhook(requireRow(ctx, input.id));
  ctx.sql.exec("DELETE FROM webhooks WHERE id = ?", input.id);
  recordAppEvent(ctx, "webhook.deleted", input.id, { url: current.url });
  return current;
}

export const webhookOps = {
  createWebhook,
  listWebhooks,
  getWebhook: (ctx: AppContext, input: { id: string }) => toWebhook(requireRow(ctx, input.id)),
  updateWebhook,
  deleteWebhook,
};
