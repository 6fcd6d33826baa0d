import type { Env } from "../env";
import { appInstanceOp, appOp, orgOp } from "../store/stores";
import { deliveryLogName } from "./delivery-log-ops";

/**
 * After an endpoint is disabled or deleted: tells every outbox that reported pending
 * deliveries to it (per its delivery log) to fail them now (SPEC §6: pending deliveries at
 * disable time become `failed`). Outboxes that had not reported yet are running, and see
 * the disable themselves when their copy of the endpoints refreshes (within 15 s). Best
 * effort per outbox; never on a login's path.
 */
export async function closeEndpointEverywhere(env: Env, endpointId: string): Promise<void> {
  const sources = await appInstanceOp(env, deliveryLogName(endpointId), "deliveryLog", "pendingSources", undefined);
  const results = await Promise.allSettled(
    sources.map((source) =>
      source === null
        ? appOp(env, "webhooks", "closeEndpoint", { endpointId })
        : orgOp(env, source, "closeEndpoint", { endpointId }),
    ),
  );
  for (const r of results) {
    if (r.status === "rejected") console.error(`could not close endpoint ${endpointId} in an outbox`, r.reason);
  }
}
