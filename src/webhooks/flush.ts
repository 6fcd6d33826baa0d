import { all } from "../store/sql";
import { appInstanceOp, appOp } from "../store/stores";
import type { OutboxDeps } from "./deliver-task";
import { closeEndpointEverywhere } from "./close-endpoint";
import { deliveryLogName } from "./delivery-log-ops";
import { toDeliveryRecord, type DeliveryRow } from "./delivery-rows";
import { forgetDeliveryTargets } from "./delivery-targets";

/** Deliveries one flush reports at most per endpoint log write. */
const LOG_BATCH = 200;

/**
 * Tells the app-wide `webhooks` object of the endpoints this outbox disabled (SPEC §6: a 410,
 * or 3 days of failure), which disables them for every org and emits `webhook.disabled`.
 * The row stays until that succeeds. Returns false when some report failed.
 */
export async function flushDisables(deps: OutboxDeps): Promise<boolean> {
  const rows = all<{ endpoint_id: string; reason: string; at: string }>(
    deps.storage.sql,
    "SELECT * FROM webhook_disables",
  );
  let ok = true;
  for (const row of rows) {
    try {
      const disabled = await appOp(deps.env, "webhooks", "disableWebhook", {
        id: row.endpoint_id,
        reason: row.reason,
        failedAt: row.at,
      });
      deps.storage.sql.exec("DELETE FROM webhook_disables WHERE endpoint_id = ? AND at = ?", row.endpoint_id, row.at);
      forgetDeliveryTargets();
      // The other orgs' outboxes fail their pending deliveries to it now (this one did already).
      if (disabled) await closeEndpointEverywhere(deps.env, row.endpoint_id);
    } catch (error) {
      ok = false;
      console.error(`could not disable webhook ${row.endpoint_id}`, error instanceof Error ? error.message : error);
    }
  }
  return ok;
}

/**
 * Copies the deliveries that changed since they were last reported to each endpoint's
 * delivery log (the app-wide view `GET /webhooks/{id}/deliveries` reads), a batch per
 * endpoint; a delivery is marked reported at the revision sent. Returns false when some
 * write failed (the rest stay to report next run).
 */
export async function flushDeliveryLog(deps: OutboxDeps): Promise<boolean> {
  const { sql } = deps.storage;
  for (let round = 0; round < 10; round++) {
    const rows = all<DeliveryRow>(
      sql,
      "SELECT * FROM webhook_deliveries WHERE revision > logged_revision LIMIT ?",
      LOG_BATCH,
    );
    if (rows.length === 0) return true;
    const byEndpoint = new Map<string, DeliveryRow[]>();
    for (const row of rows) byEndpoint.set(row.endpoint_id, [...(byEndpoint.get(row.endpoint_id) ?? []), row]);
    const results = await Promise.allSettled(
      [...byEndpoint].map(async ([endpointId, batch]) => {
        const records = batch.map((row) => ({ ...toDeliveryRecord(sql, row), revision: row.revision }));
        await appInstanceOp(deps.env, deliveryLogName(endpointId), "deliveryLog", "upsertDeliveries", { records });
        for (const row of batch) {
          sql.exec("UPDATE webhook_deliveries SET logged_revision = ? WHERE id = ?", row.revision, row.id);
        }
      }),
    );
    const failed = results.find((r) => r.status === "rejected");
    if (failed) {
      console.error(
        "could not report webhook deliveries",
        failed.reason instanceof Error ? failed.reason.message : failed.reason,
      );
      return false;
    }
    if (rows.length < LOG_BATCH) return true;
  }
  return true;
}
