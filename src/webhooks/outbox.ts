import type { AuditEvent } from "../store/org/types";
import { isDeliverable } from "./event-types";

/** The kinds of scheduled task an object with an outbox runs (its one alarm, SPEC §1). */
export type OutboxTaskKind = "event-feed" | "webhook-deliveries";

/** The task keys: one task of each kind per object. */
export const FEED_TASK_KEY = "feed";
export const DELIVERY_TASK_KEY = "outbox";

/**
 * How long a new event waits before the object copies it to the app-wide feed: the events
 * of a burst (a busy org's logins) go in one write to the hour's shard, not one each.
 */
export const FEED_DELAY_MS = 500;

/** What recording an event needs: the object's SQL and the write side of its scheduler. */
export interface OutboxWriter {
  sql: SqlStorage;
  now: Date;
  tasks: { scheduleBy(kind: OutboxTaskKind, key: string, dueAt: number): void };
}

/**
 * Puts a just-recorded event in the object's outbox, in the transaction that recorded it
 * (so it is never lost and never sent for a change that rolled back): always for the
 * app-wide feed, and for webhooks when some endpoint could subscribe to its type and the
 * object delivers webhooks (`webhooks`: every org object, and the app-wide `webhooks`
 * instance). Two local inserts and at most two indexed task reads: no I/O, nothing global,
 * so it is safe on the login path (SPEC §1). The object's tasks carry the event on.
 */
export function enqueueEvent(writer: OutboxWriter, event: AuditEvent, webhooks: boolean): void {
  const json = JSON.stringify(event);
  const now = writer.now.getTime();
  writer.sql.exec("INSERT INTO feed_outbox (event) VALUES (?)", json);
  writer.tasks.scheduleBy("event-feed", FEED_TASK_KEY, now + FEED_DELAY_MS);
  if (webhooks && isDeliverable(event.type)) {
    writer.sql.exec("INSERT INTO webhook_outbox (event) VALUES (?)", json);
    writer.tasks.scheduleBy("webhook-deliveries", DELIVERY_TASK_KEY, now);
  }
}
