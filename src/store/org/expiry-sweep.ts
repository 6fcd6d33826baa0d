import type { SyncTaskHandler } from "../scheduler/scheduler";
import type { OrgContext } from "./context";

/**
 * Single-use and short-lived login state, each table with an `expires_at` (epoch ms) and an
 * index on it (migration `expiry-indexes`). Every read checks `expires_at` itself, so an
 * expired row is dead the moment it expires; the sweep only reclaims the space.
 */
export const EXPIRING_TABLES = [
  "pending_logins",
  "auth_codes",
  "assertion_replay",
  "access_tokens",
  "spent_codes",
  "code_tokens",
  "login_throttle",
  "sessions",
  "logout_request_replay",
  "backchannel_deliveries",
  "logout_requests",
] as const;

/** How long an expired row may wait for the sweep: one sweep serves every row expiring in this window. */
export const SWEEP_SLACK_MS = 5 * 60_000;

/** Rows one sweep deletes per table at most; a larger backlog is swept by the next run, a second later. */
export const SWEEP_BATCH = 500;
const BACKLOG_PAUSE_MS = 1_000;

const SWEEP_KEY = "login-state";

/**
 * Called when a row expiring at `expiresAt` is written: makes sure a sweep is due by
 * `expiresAt + SWEEP_SLACK_MS`. Usually one indexed read, no write (a sweep is already due
 * earlier), so a login's cost does not grow with the table.
 */
export function sweepBy(ctx: OrgContext, expiresAt: number): void {
  ctx.tasks.scheduleBy("expiry-sweep", SWEEP_KEY, expiresAt + SWEEP_SLACK_MS);
}

/**
 * The `expiry-sweep` task: deletes expired rows through the `expires_at` indexes, at most
 * SWEEP_BATCH per table, then runs again a second later if a table had more, or when the next row
 * expires (plus the slack), or never while nothing expiring is left.
 */
export const expirySweep: SyncTaskHandler<OrgContext> = {
  run(ctx) {
    const now = ctx.now.getTime();
    let backlog = false;
    for (const table of EXPIRING_TABLES) {
      const deleted = ctx.sql
        .exec(
          `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE expires_at < ? ORDER BY expires_at LIMIT ?)
           RETURNING 1`,
          now,
          SWEEP_BATCH,
        )
        .toArray().length;
      if (deleted >= SWEEP_BATCH) backlog = true;
    }
    if (backlog) return { rescheduleAt: now + BACKLOG_PAUSE_MS };
    const next = nextExpiry(ctx);
    return next === null ? undefined : { rescheduleAt: Math.max(now, next) + SWEEP_SLACK_MS };
  },
};

/** The earliest `expires_at` over the expiring tables (one index seek each), or null when all are empty. */
function nextExpiry(ctx: OrgContext): number | null {
  // One query per table: Durable Object SQLite caps the terms of a compound SELECT below six.
  let next: number | null = null;
  for (const table of EXPIRING_TABLES) {
    const t = ctx.sql.exec<{ t: number | null }>(`SELECT MIN(expires_at) AS t FROM ${table}`).one().t;
    if (t !== null && (next === null || t < next)) next = t;
  }
  return next;
}
