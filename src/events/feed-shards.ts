/**
 * The app-wide feed (`GET /api/v1/events`, SPEC §2) is a copy, split by hour: the events
 * created in one UTC hour live in the app-wide object `events:YYYY-MM-DDTHH`. Each
 * organization's object (and each app-wide instance) forwards its new events there from
 * its own scheduled task, after the change committed and outside any request (SPEC §1: no
 * login waits on a global write). The instance `events` indexes the shards that hold
 * anything, and keeps the rows the release before this one mirrored into it.
 */

/** The instance that lists the shards (and holds the pre-shard rows). */
export const FEED_INDEX = "events";

/** The hour of epoch-ms `time`, as its shard names it: `2026-11-22T10`. */
export function feedHourOf(time: number): string {
  return new Date(time).toISOString().slice(0, 13);
}

/** The instance holding hour `hour`'s events. */
export function feedShardName(hour: string): string {
  return `${FEED_INDEX}:${hour}`;
}

/** Epoch ms at which hour `hour` ends (its events all have IDs made before it). */
export function feedHourEnd(hour: string): number {
  return Date.parse(`${hour}:00:00.000Z`) + 3_600_000;
}
