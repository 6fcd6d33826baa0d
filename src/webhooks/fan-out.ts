import { withoutOutboundDetail } from "../http/outbound-failure";
import { newDeliveryId } from "../lib/ids";
import { all } from "../store/sql";
import type { AuditEvent } from "../store/org/types";
import type { DeliveryTarget } from "./delivery-targets";
import { subscribes } from "./event-types";

/** The body every endpoint receives for an event (SPEC §6); the same bytes on every attempt. */
export function webhookBody(event: AuditEvent): string {
  // Receivers are not app-wide readers: no outbound failure detail (SPEC §2 "Access").
  const { id, type, createdAt, organizationId, data } = withoutOutboundDetail(event);
  return JSON.stringify({ id, type, createdAt, organizationId, data });
}

/**
 * Moves up to `limit` events from the webhook outbox into deliveries, one per endpoint that
 * takes the event: enabled, subscribed to its type, and enabled since before the event was
 * created — an event of a time the endpoint was disabled (or did not exist) is never queued
 * for it (SPEC §6). A delivery keeps the event's outbox `seq`: the endpoint's queue order.
 * Synchronous: run inside one transaction. Returns how many events it took.
 */
export function fanOut(sql: SqlStorage, targets: Iterable<DeliveryTarget>, limit: number): number {
  const rows = all<{ seq: number; event: string }>(
    sql,
    "SELECT seq, event FROM webhook_outbox ORDER BY seq LIMIT ?",
    limit,
  );
  if (rows.length === 0) return 0;
  const live = [...targets].filter((t) => t.enabled);
  for (const row of rows) {
    const event = JSON.parse(row.event) as AuditEvent;
    for (const target of live) {
      if (!subscribes(target.events, event.type) || event.createdAt < target.enabledAt) continue;
      sql.exec(
        `INSERT OR IGNORE INTO webhook_deliveries (id, seq, endpoint_id, event_id, event_type, body, status, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)`,
        newDeliveryId(event.organizationId),
        row.seq,
        target.id,
        event.id,
        event.type,
        webhookBody(event),
        event.createdAt,
      );
    }
  }
  sql.exec("DELETE FROM webhook_outbox WHERE seq <= ?", rows[rows.length - 1]!.seq);
  return rows.length;
}
