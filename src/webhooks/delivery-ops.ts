import { notFound } from "../http/api-error";
import { deliveryRow, failPending, toDeliveryRecord, type DeliveryRecord } from "./delivery-rows";
import { DELIVERY_TASK_KEY, type OutboxWriter } from "./outbox";

/**
 * `POST /webhooks/{id}/deliveries/{deliveryId}/retry` in the object holding the delivery
 * (SPEC §6): re-sends it now, out of the queue's order — a finished delivery (failed, or
 * succeeded and wanted again) once; a pending one now instead of at its backoff, its
 * schedule going on if this attempt fails too. The route has checked that the endpoint is
 * enabled. Answers the delivery as it stands (pending).
 */
function retryDelivery(ctx: OutboxWriter, input: { endpointId: string; deliveryId: string }): DeliveryRecord {
  const row = deliveryRow(ctx.sql, input.deliveryId);
  if (!row || row.endpoint_id !== input.endpointId) throw notFound("Delivery");
  const now = ctx.now.getTime();
  ctx.sql.exec(
    `UPDATE webhook_deliveries SET manual = CASE WHEN status = 'pending' THEN 2 ELSE 1 END, status = 'pending',
       next_attempt_at = CASE WHEN status = 'pending' THEN next_attempt_at ELSE ? END, revision = revision + 1
     WHERE id = ?`,
    now,
    row.id,
  );
  ctx.tasks.scheduleBy("webhook-deliveries", DELIVERY_TASK_KEY, now);
  return toDeliveryRecord(ctx.sql, deliveryRow(ctx.sql, row.id)!);
}

/** The delivery as its outbox holds it (the truth the endpoint's log copies). */
function getDelivery(ctx: OutboxWriter, input: { endpointId: string; deliveryId: string }): DeliveryRecord {
  const row = deliveryRow(ctx.sql, input.deliveryId);
  if (!row || row.endpoint_id !== input.endpointId) throw notFound("Delivery");
  return toDeliveryRecord(ctx.sql, row);
}

/**
 * An endpoint was disabled or deleted: its pending deliveries here become `failed`
 * (retryable) now, rather than when this outbox next wakes (SPEC §6), and the outbox runs
 * to report them. Returns how many.
 */
function closeEndpoint(ctx: OutboxWriter, input: { endpointId: string }): number {
  const closed = failPending(ctx.sql, input.endpointId);
  if (closed > 0) ctx.tasks.scheduleBy("webhook-deliveries", DELIVERY_TASK_KEY, ctx.now.getTime());
  return closed;
}

/** The delivery operations every outbox object runs (org objects, and the app-wide `webhooks` instance). */
export const deliveryOps = { retryDelivery, getDelivery, closeEndpoint };
