import { all, toPage, type Page, type PageRequest } from "../store/sql";
import type { AppContext } from "../store/app/context";
import type { DeliveryRecord } from "./delivery-rows";

/** The app-wide instance holding an endpoint's delivery log. */
export function deliveryLogName(endpointId: string): string {
  return `webhook-deliveries:${endpointId}`;
}

type Row = {
  id: string;
  endpoint_id: string;
  organization_id: string | null;
  event_id: string;
  event_type: string;
  status: DeliveryRecord["status"];
  attempts: string;
  next_attempt_at: number | null;
  created_at: string;
  version: number;
};

const toRecord = (r: Row): DeliveryRecord => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  endpointId: r.endpoint_id,
  organizationId: r.organization_id,
  status: r.status,
  attempts: JSON.parse(r.attempts) as DeliveryRecord["attempts"],
  nextAttemptAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at).toISOString(),
  createdAt: r.created_at,
});

/**
 * Stores the outboxes' reports of deliveries (src/webhooks/flush.ts). The outbox holding
 * a delivery stays its truth; a report older than the one kept (a lower revision) is
 * ignored, so reports arriving out of order never go back in time.
 */
function upsertDeliveries(ctx: AppContext, input: { records: (DeliveryRecord & { revision: number })[] }): void {
  for (const r of input.records) {
    ctx.sql.exec(
      `INSERT INTO delivery_log (id, endpoint_id, organization_id, event_id, event_type, status, attempts, next_attempt_at, created_at, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
         next_attempt_at = excluded.next_attempt_at, version = excluded.version WHERE excluded.version > delivery_log.version`,
      r.id,
      r.endpointId,
      r.organizationId,
      r.eventId,
      r.eventType,
      r.status,
      JSON.stringify(r.attempts),
      r.nextAttemptAt === null ? null : Date.parse(r.nextAttemptAt),
      r.createdAt,
      r.revision,
    );
  }
}

/** The endpoint's deliveries, newest first; `status` filters. */
function listDeliveries(
  ctx: AppContext,
  input: PageRequest & { status?: DeliveryRecord["status"] | undefined },
): Page<DeliveryRecord> {
  const rows = all<Row>(
    ctx.sql,
    `SELECT * FROM delivery_log WHERE (?1 IS NULL OR status = ?1)
     AND (?2 IS NULL OR (created_at, id) < (SELECT created_at, id FROM delivery_log WHERE id = ?2))
     ORDER BY created_at DESC, id DESC LIMIT ?3`,
    input.status ?? null,
    input.after ?? null,
    input.limit + 1,
  );
  return toPage(rows.map(toRecord), input.limit, (d) => d.id);
}

/** Where the endpoint has pending deliveries, as last reported: org IDs, null for the app-wide outbox. */
function pendingSources(ctx: AppContext): (string | null)[] {
  return all<{ organization_id: string | null }>(
    ctx.sql,
    "SELECT DISTINCT organization_id FROM delivery_log WHERE status = 'pending'",
  ).map((r) => r.organization_id);
}

export const deliveryLogOps = { upsertDeliveries, listDeliveries, pendingSources };
