import { conflict, notFound } from "../../http/api-error";
import { all, one, toPage, type Page, type PageRequest } from "../sql";
import { recordAppEvent, type AppContext } from "./context";

/** A webhook endpoint; its signing secret is stored sealed and never returned after creation. */
export interface WebhookRecord {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  /** Why it was disabled by edge-sso (`gone`: it answered 410; `failing`: 3 days of failures), else null. */
  disabledReason: string | null;
  /** Until when the secret before the last rotation still signs (SPEC §2: 24 h), else null. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * What an outbox needs of an endpoint to deliver to it (src/webhooks/delivery-targets.ts):
 * never leaves the Durable Objects, and the secrets only sealed.
 */
export interface DeliveryTargetRow {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  /** Events created before this (ISO) are not for the endpoint: it was disabled or did not exist. */
  enabledAt: string;
  secretSealed: string;
  /** The previous secret while its grace lasts, else null. */
  previousSecretSealed: string | null;
  previousSecretExpiresAt: number | null;
}

/** How long the secret before a rotation still signs (SPEC §2). */
export const ROTATION_GRACE_MS = 24 * 3_600_000;

type Row = {
  id: string;
  url: string;
  events: string;
  enabled: number;
  secret_sealed: string;
  created_at: string;
  updated_at: string;
  enabled_at: string | null;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: number | null;
  disabled_reason: string | null;
};

const liveGrace = (r: Row, now: Date) =>
  r.previous_secret_sealed !== null && (r.previous_secret_expires_at ?? 0) > now.getTime();

const toWebhook = (r: Row, now: Date): WebhookRecord => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events) as string[],
  enabled: r.enabled === 1,
  disabledReason: r.enabled === 1 ? null : r.disabled_reason,
  previousSecretExpiresAt: liveGrace(r, now) ? new Date(r.previous_secret_expires_at!).toISOString() : null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function requireRow(ctx: AppContext, id: string): Row {
  const row = one<Row>(ctx.sql, "SELECT * FROM webhooks WHERE id = ?", id);
  if (!row) throw notFound("Webhook");
  return row;
}

const view = (ctx: AppContext, id: string) => toWebhook(requireRow(ctx, id), ctx.now);

function createWebhook(
  ctx: AppContext,
  input: { id: string; url: string; events: string[]; enabled: boolean; secretSealed: string },
): WebhookRecord {
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    `INSERT INTO webhooks (id, url, events, enabled, secret_sealed, created_at, updated_at, enabled_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    input.id,
    input.url,
    JSON.stringify(input.events),
    input.enabled ? 1 : 0,
    input.secretSealed,
    now,
    now,
    now,
  );
  recordAppEvent(ctx, "webhook.created", input.id, { url: input.url, events: input.events });
  return view(ctx, input.id);
}

function listWebhooks(ctx: AppContext, input: PageRequest): Page<WebhookRecord> {
  const rows = all<Row>(
    ctx.sql,
    `SELECT * FROM webhooks WHERE (?1 IS NULL OR (created_at, id) > (SELECT created_at, id FROM webhooks WHERE id = ?1))
     ORDER BY created_at, id LIMIT ?2`,
    input.after ?? null,
    input.limit + 1,
  );
  return toPage(
    rows.map((r) => toWebhook(r, ctx.now)),
    input.limit,
    (w) => w.id,
  );
}

function updateWebhook(
  ctx: AppContext,
  input: { id: string; url?: string | undefined; events?: string[] | undefined; enabled?: boolean | undefined },
): WebhookRecord {
  const current = view(ctx, input.id);
  const next = {
    url: input.url ?? current.url,
    events: input.events ?? current.events,
    enabled: input.enabled ?? current.enabled,
  };
  const now = ctx.now.toISOString();
  // Re-enabling starts a new period: events of the disabled time are never delivered (SPEC §6).
  const reEnabled = next.enabled && !current.enabled;
  ctx.sql.exec(
    `UPDATE webhooks SET url = ?, events = ?, enabled = ?, updated_at = ?,
       enabled_at = CASE WHEN ? THEN ? ELSE enabled_at END, disabled_reason = CASE WHEN ? THEN NULL ELSE disabled_reason END
     WHERE id = ?`,
    next.url,
    JSON.stringify(next.events),
    next.enabled ? 1 : 0,
    now,
    reEnabled ? 1 : 0,
    now,
    reEnabled ? 1 : 0,
    input.id,
  );
  recordAppEvent(ctx, "webhook.updated", input.id, { changed: Object.keys(input).filter((k) => k !== "id") });
  return view(ctx, input.id);
}

function deleteWebhook(ctx: AppContext, input: { id: string }): WebhookRecord {
  const current = view(ctx, input.id);
  ctx.sql.exec("DELETE FROM webhooks WHERE id = ?", input.id);
  recordAppEvent(ctx, "webhook.deleted", input.id, { url: current.url });
  return current;
}

/**
 * A new secret; the current one becomes the previous, still signing for ROTATION_GRACE_MS
 * (a rotation during a grace drops the oldest). Returns the endpoint.
 */
function rotateWebhookSecret(ctx: AppContext, input: { id: string; secretSealed: string }): WebhookRecord {
  const current = requireRow(ctx, input.id);
  ctx.sql.exec(
    `UPDATE webhooks SET previous_secret_sealed = secret_sealed, previous_secret_expires_at = ?, secret_sealed = ?,
       updated_at = ? WHERE id = ?`,
    ctx.now.getTime() + ROTATION_GRACE_MS,
    input.secretSealed,
    ctx.now.toISOString(),
    current.id,
  );
  recordAppEvent(ctx, "webhook.secret_rotated", current.id, {
    previousSecretExpiresAt: new Date(ctx.now.getTime() + ROTATION_GRACE_MS).toISOString(),
  });
  return view(ctx, input.id);
}

/**
 * Disabled by an outbox (SPEC §6): a 410 (`gone`) or a delivery that failed for 3 days
 * (`failing`), seen at `failedAt`. Emits `webhook.disabled`. Nothing happens when the
 * endpoint is gone, already disabled, or was (re-)enabled after the failure was seen.
 */
function disableWebhook(ctx: AppContext, input: { id: string; reason: string; failedAt: string }): boolean {
  const row = one<Row>(ctx.sql, "SELECT * FROM webhooks WHERE id = ?", input.id);
  if (!row || row.enabled !== 1 || (row.enabled_at ?? row.created_at) > input.failedAt) return false;
  ctx.sql.exec(
    "UPDATE webhooks SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?",
    input.reason,
    ctx.now.toISOString(),
    input.id,
  );
  recordAppEvent(ctx, "webhook.disabled", input.id, { url: row.url, reason: input.reason });
  return true;
}

/** Every endpoint as outboxes need it (src/webhooks/delivery-targets.ts caches this per isolate). */
function listDeliveryTargets(ctx: AppContext): DeliveryTargetRow[] {
  return all<Row>(ctx.sql, "SELECT * FROM webhooks ORDER BY created_at, id").map((r) => ({
    id: r.id,
    url: r.url,
    events: JSON.parse(r.events) as string[],
    enabled: r.enabled === 1,
    enabledAt: r.enabled_at ?? r.created_at,
    secretSealed: r.secret_sealed,
    previousSecretSealed: liveGrace(r, ctx.now) ? r.previous_secret_sealed : null,
    previousSecretExpiresAt: liveGrace(r, ctx.now) ? r.previous_secret_expires_at : null,
  }));
}

/** 409 unless the endpoint is enabled (a manual retry to a disabled endpoint sends nothing, SPEC §6). */
function requireEnabledWebhook(ctx: AppContext, input: { id: string }): WebhookRecord {
  const webhook = view(ctx, input.id);
  if (!webhook.enabled) throw conflict("The endpoint is disabled: enable it before retrying a delivery.");
  return webhook;
}

export const webhookOps = {
  createWebhook,
  listWebhooks,
  getWebhook: (ctx: AppContext, input: { id: string }) => view(ctx, input.id),
  updateWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  disableWebhook,
  listDeliveryTargets,
  requireEnabledWebhook,
};
