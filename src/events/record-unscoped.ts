import { waitUntil } from "cloudflare:workers";
import type { Env } from "../env";
import type { AuditEvent } from "../store/org/types";
import { appendToFeedShard } from "../store/stores";
import { feedHourOf, feedShardName } from "./feed-shards";
import { FixedWindowLimiter } from "./rate-limit";

/**
 * Per isolate: at most 30 unscoped events a minute per client IP and 300 in all. Anyone
 * can make a login fail before its org is known (an unknown client, a malformed request),
 * so without a bound an anonymous client could make us write a global object at will.
 */
const limiter = new FixedWindowLimiter({ windowMs: 60_000, perKey: 30, total: 300 });

/**
 * Records an event that belongs to no organization yet (a login failure before the org is
 * known, SPEC §2) in the app-wide feed only: written to the hour's shard after the
 * response, through `waitUntil`, never awaited by the request; dropped (and logged) over
 * the rate limit. Returns whether it was accepted.
 */
export function recordUnscopedEvent(env: Env, event: AuditEvent, clientIp: string | null, now: number): boolean {
  if (!limiter.allow(clientIp ?? "unknown", now)) {
    console.warn(`app-wide ${event.type} not recorded (rate limit for ${clientIp ?? "unknown"}):`, event.data);
    return false;
  }
  const hour = feedHourOf(Date.parse(event.createdAt));
  waitUntil(
    appendToFeedShard(env, feedShardName(hour), hour, [event]).catch((error: unknown) =>
      console.error(`could not record app-wide ${event.type}`, error instanceof Error ? error.message : error),
    ),
  );
  return true;
}
