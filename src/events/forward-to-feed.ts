import type { Env } from "../env";
import { timeOfId } from "../lib/ids";
import type { AsyncTaskHandler } from "../store/scheduler/scheduler";
import { all } from "../store/sql";
import type { AuditEvent } from "../store/org/types";
import { appendToFeedShard } from "../store/stores";
import { feedHourOf, feedShardName } from "./feed-shards";

/** Events one run forwards at most; a larger backlog runs again at once. */
const FORWARD_BATCH = 500;

/**
 * The `event-feed` task of every object that records events: copies the outbox's events
 * to their hour shards of the app-wide feed, one write per shard, then drops them from the
 * outbox. A failed write keeps them (the scheduler retries with backoff), and a shard
 * ignores an event it already holds, so each event reaches the feed at least once and is
 * listed once.
 */
export function forwardToFeed(env: Env, storage: DurableObjectStorage): AsyncTaskHandler<{ now: Date }> {
  return {
    async: true,
    leaseMs: 60_000,
    async run(ctx) {
      const rows = all<{ seq: number; event: string }>(
        storage.sql,
        "SELECT seq, event FROM feed_outbox ORDER BY seq LIMIT ?",
        FORWARD_BATCH,
      );
      if (rows.length === 0) return;
      const byHour = new Map<string, AuditEvent[]>();
      for (const row of rows) {
        const event = JSON.parse(row.event) as AuditEvent;
        const hour = feedHourOf(timeOfId(event.id) ?? Date.parse(event.createdAt));
        byHour.set(hour, [...(byHour.get(hour) ?? []), event]);
      }
      await Promise.all([...byHour].map(([hour, events]) => appendToFeedShard(env, feedShardName(hour), hour, events)));
      storage.sql.exec("DELETE FROM feed_outbox WHERE seq <= ?", rows[rows.length - 1]!.seq);
      return rows.length === FORWARD_BATCH ? { rescheduleAt: ctx.now.getTime() } : undefined;
    },
  };
}
