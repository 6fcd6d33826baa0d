import { all } from "../store/sql";
import type { AppContext } from "../store/app/context";
import type { AuditEvent } from "../store/org/types";

type Row = {
  id: string;
  organization_id: string | null;
  type: string;
  actor: string;
  target: string | null;
  data: string;
  created_at: string;
};

const toEvent = (r: Row): AuditEvent => ({
  id: r.id,
  type: r.type,
  actor: r.actor,
  organizationId: r.organization_id,
  target: r.target,
  data: JSON.parse(r.data) as Record<string, unknown>,
  createdAt: r.created_at,
});

/** Stores events in this shard; idempotent by event ID (a forwarder may send a batch twice). */
function appendFeedEvents(ctx: AppContext, input: { events: AuditEvent[] }): { registered: boolean } {
  for (const e of input.events) {
    ctx.sql.exec(
      `INSERT OR IGNORE INTO events (id, organization_id, type, actor, target, data, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      e.id,
      e.organizationId,
      e.type,
      e.actor,
      e.target,
      JSON.stringify(e.data),
      e.createdAt,
    );
  }
  return { registered: all(ctx.sql, "SELECT 1 FROM feed_meta WHERE key = 'registered'").length > 0 };
}

function markFeedShardRegistered(ctx: AppContext): void {
  ctx.sql.exec("INSERT OR REPLACE INTO feed_meta (key, value) VALUES ('registered', ?)", ctx.now.toISOString());
}

/** This shard's events, newest first (by ID: ULIDs of their `createdAt`), below `before`. */
function listFeedEvents(
  ctx: AppContext,
  input: { limit: number; before?: string | undefined; type?: string | undefined; since?: string | undefined },
): AuditEvent[] {
  return all<Row>(
    ctx.sql,
    `SELECT * FROM events WHERE (?1 IS NULL OR id < ?1) AND (?2 IS NULL OR type = ?2) AND (?3 IS NULL OR created_at >= ?3)
     ORDER BY id DESC LIMIT ?4`,
    input.before ?? null,
    input.type ?? null,
    input.since ?? null,
    input.limit,
  ).map(toEvent);
}

/** The index (instance `events`): records that hour `hour` has a shard. */
function registerFeedShard(ctx: AppContext, input: { hour: string }): void {
  ctx.sql.exec(
    "INSERT OR IGNORE INTO feed_shards (hour, registered_at) VALUES (?, ?)",
    input.hour,
    ctx.now.toISOString(),
  );
}

/** The index: the shards' hours, newest first, at or before `atOrBefore` when given. */
function listFeedShards(ctx: AppContext, input: { atOrBefore?: string | undefined; limit: number }): string[] {
  return all<{ hour: string }>(
    ctx.sql,
    "SELECT hour FROM feed_shards WHERE (?1 IS NULL OR hour <= ?1) ORDER BY hour DESC LIMIT ?2",
    input.atOrBefore ?? null,
    input.limit,
  ).map((r) => r.hour);
}

/** The operations of the feed's instances: the hour shards and their index (src/events/feed-shards.ts). */
export const feedOps = {
  appendFeedEvents,
  markFeedShardRegistered,
  listFeedEvents,
  registerFeedShard,
  listFeedShards,
};
