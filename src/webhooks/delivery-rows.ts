import { all, one } from "../store/sql";

/** A delivery as GET /webhooks/{id}/deliveries shows it (SPEC §6 "A delivery record"). */
export interface DeliveryRecord {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  organizationId: string | null;
  status: "pending" | "succeeded" | "failed";
  attempts: DeliveryAttempt[];
  /** When the next attempt is due (ISO), while pending. */
  nextAttemptAt: string | null;
  createdAt: string;
}

/** One attempt: the receiver's HTTP status, or why there was none. */
export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  durationMs: number;
}

/** `manual`: 0 in the queue; 1 a finished delivery re-sent by `retry`; 2 a pending one sent now by `retry`. */
export type ManualRetry = 0 | 1 | 2;

export type DeliveryRow = {
  id: string;
  seq: number;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: DeliveryRecord["status"];
  manual: ManualRetry;
  first_attempt_at: number | null;
  next_attempt_at: number | null;
  created_at: string;
  revision: number;
  logged_revision: number;
};

type AttemptRow = { n: number; at: string; status: number | null; error: string | null; duration_ms: number };

export function deliveryRow(sql: SqlStorage, id: string): DeliveryRow | null {
  return one<DeliveryRow>(sql, "SELECT * FROM webhook_deliveries WHERE id = ?", id);
}

export function attemptsOf(sql: SqlStorage, deliveryId: string): DeliveryAttempt[] {
  return all<AttemptRow>(sql, "SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY n", deliveryId).map(
    (a) => ({
      at: a.at,
      ...(a.status !== null ? { status: a.status } : {}),
      ...(a.error !== null ? { error: a.error } : {}),
      durationMs: a.duration_ms,
    }),
  );
}

export function toDeliveryRecord(sql: SqlStorage, row: DeliveryRow): DeliveryRecord {
  const organizationId = (JSON.parse(row.body) as { organizationId: string | null }).organizationId;
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    endpointId: row.endpoint_id,
    organizationId,
    status: row.status,
    attempts: attemptsOf(sql, row.id),
    nextAttemptAt:
      row.status === "pending" && row.next_attempt_at !== null ? new Date(row.next_attempt_at).toISOString() : null,
    createdAt: row.created_at,
  };
}

/**
 * The first queued delivery of an endpoint after `afterSeq` (one attempt in flight per
 * endpoint: only the head may be sent; `afterSeq` skips heads already answered but not yet
 * recorded).
 */
export function queueHead(sql: SqlStorage, endpointId: string, afterSeq = -1): DeliveryRow | null {
  return one<DeliveryRow>(
    sql,
    `SELECT * FROM webhook_deliveries WHERE status = 'pending' AND endpoint_id = ? AND manual = 0 AND seq > ?
     ORDER BY seq LIMIT 1`,
    endpointId,
    afterSeq,
  );
}

/** Endpoints with queued deliveries in this object. */
export function endpointsWithPending(sql: SqlStorage): string[] {
  return all<{ endpoint_id: string }>(
    sql,
    "SELECT DISTINCT endpoint_id FROM webhook_deliveries WHERE status = 'pending'",
  ).map((r) => r.endpoint_id);
}

/** Deliveries a `retry` asked to send now, out of order. */
export function manualRetries(sql: SqlStorage): DeliveryRow[] {
  return all<DeliveryRow>(sql, "SELECT * FROM webhook_deliveries WHERE manual <> 0 ORDER BY seq");
}

/** Pending deliveries of an endpoint that no longer takes them become `failed` (retryable, SPEC §6). */
export function failPending(sql: SqlStorage, endpointId: string): number {
  return sql.exec(
    `UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, manual = 0, revision = revision + 1
     WHERE status = 'pending' AND endpoint_id = ?`,
    endpointId,
  ).rowsWritten;
}
