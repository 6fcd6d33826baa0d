import type { Env } from "../env";
import { timeOfId, ulidFloor } from "../lib/ids";
import type { Page } from "../store/sql";
import type { AuditEvent } from "../store/org/types";
import { appInstanceOp, appOp } from "../store/stores";
import { feedHourEnd, feedHourOf, feedShardName } from "./feed-shards";

/** Shards one page reads at most: a page over a sparse filter ends early, with a cursor. */
const SHARDS_PER_PAGE = 24;

export interface FeedQuery {
  limit: number;
  /** The `nextCursor` of the previous page: an event ID (events listed are below it). */
  after?: string | undefined;
  type?: string | undefined;
  since?: string | undefined;
}

/**
 * `GET /api/v1/events`: the app-wide feed, newest first, read from the hour shards the
 * index lists (newest first), then from the rows the previous release mirrored into the
 * index instance. Every shard orders by event ID, a ULID of the event's `createdAt`, so
 * a cursor is an event ID and names its shard. Up to SHARDS_PER_PAGE shards per page; a
 * page that stops there carries a cursor at the next shard.
 */
export async function readFeed(env: Env, query: FeedQuery): Promise<Page<AuditEvent>> {
  const before = query.after;
  const beforeTime = before ? timeOfId(before) : null;
  const hours = await appOp(env, "events", "listFeedShards", {
    atOrBefore: beforeTime === null ? undefined : feedHourOf(beforeTime),
    limit: SHARDS_PER_PAGE + 1,
  });
  const sinceHour = query.since ? feedHourOf(Date.parse(query.since)) : null;
  const events: AuditEvent[] = [];
  const want = () => query.limit + 1 - events.length;
  const filter = { type: query.type, since: query.since, before };
  let read = 0;
  for (const hour of hours.slice(0, SHARDS_PER_PAGE)) {
    if (sinceHour !== null && hour < sinceHour) return page(events, query.limit, null);
    read++;
    events.push(
      ...(await appInstanceOp(env, feedShardName(hour), "events", "listFeedEvents", { ...filter, limit: want() })),
    );
    if (events.length > query.limit) return page(events, query.limit, null);
  }
  if (hours.length > SHARDS_PER_PAGE) {
    // More shards than one page reads: continue at the next one (every ID in it is below its hour's end).
    const next = hours[read]!;
    return page(events, query.limit, `evt_${ulidFloor(feedHourEnd(next))}`);
  }
  events.push(...(await appOp(env, "events", "listFeedEvents", { ...filter, limit: want() })));
  return page(events, query.limit, null);
}

/** A page; `continueAt` (a cursor for when the page is empty) says more shards remain unread. */
function page(events: AuditEvent[], limit: number, continueAt: string | null): Page<AuditEvent> {
  const data = events.slice(0, limit);
  const more = events.length > limit || continueAt !== null;
  const last = data[data.length - 1];
  return { data, nextCursor: more ? (last?.id ?? continueAt) : null };
}
