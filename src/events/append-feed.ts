import type { Env } from "../env";
import type { AppContext } from "../store/app/context";
import { feedOps } from "./feed-ops";
import type { AuditEvent } from "../store/org/types";
import { appOp } from "../store/stores";

/**
 * An hour shard's write (AppStore.appendFeed): stores the events, and the first time the
 * shard holds anything, registers its hour in the index so `GET /events` finds it. One
 * index write per hour, from the shard itself, whoever forwards.
 */
export async function appendFeed(
  env: Env,
  storage: DurableObjectStorage,
  context: () => AppContext,
  hour: string,
  events: AuditEvent[],
): Promise<void> {
  const { registered } = storage.transactionSync(() => feedOps.appendFeedEvents(context(), { events }));
  if (registered) return;
  await appOp(env, "events", "registerFeedShard", { hour });
  feedOps.markFeedShardRegistered(context());
}
