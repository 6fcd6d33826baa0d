import type { OrgContext } from "./context";
import { sweepBy } from "./expiry-sweep";

/**
 * Throttling of the hosted LDAP form (SPEC §9): at most 5 failures per username and 20 per
 * client IP in any 15 minutes, counted in the org's object (`login_throttle`). An attempt
 * is counted when it starts — so parallel guesses cannot slip past the limit — and
 * uncounted when it succeeds. Keys are hashes (`user:<sha256>`, `ip:<sha256>`): the table
 * holds no username or address. The same limit applies whether or not the user exists.
 */
export const THROTTLE_LIMITS = { perUsername: 5, perIp: 20, windowMs: 15 * 60_000 } as const;

/** Whether an attempt may start, or how long (ms) until it may. */
export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** A key's failures in the window: how many, and when the oldest happened (epoch ms). */
export interface KeyWindow {
  count: number;
  oldestAt: number | null;
}

/**
 * The decision for an attempt (pure, clock injected): refused while a key holds its limit,
 * until its oldest failure leaves the window (counts never pass the limit: an attempt is
 * counted only when allowed, atomically with the check).
 */
export function throttleDecision(windows: { user: KeyWindow; ip: KeyWindow }, now: number): ThrottleDecision {
  const waits = [
    { window: windows.user, limit: THROTTLE_LIMITS.perUsername },
    { window: windows.ip, limit: THROTTLE_LIMITS.perIp },
  ]
    .filter(({ window, limit }) => window.count >= limit)
    .map(({ window }) => (window.oldestAt ?? now) + THROTTLE_LIMITS.windowMs - now);
  if (waits.length === 0) return { allowed: true };
  return { allowed: false, retryAfterMs: Math.max(1_000, ...waits) };
}

/** The failures of `key` inside the window ending now. */
export function keyWindow(ctx: OrgContext, key: string): KeyWindow {
  const row = ctx.sql
    .exec<{ count: number; oldest: number | null }>(
      "SELECT COUNT(*) AS count, MIN(at) AS oldest FROM login_throttle WHERE key = ? AND at > ?",
      key,
      ctx.now.getTime() - THROTTLE_LIMITS.windowMs,
    )
    .one();
  return { count: row.count, oldestAt: row.oldest };
}

/** Counts an attempt against each key; it stays counted unless {@link uncountAttempt} removes it. */
export function countAttempt(ctx: OrgContext, keys: string[], attemptId: string): void {
  const at = ctx.now.getTime();
  const expiresAt = at + THROTTLE_LIMITS.windowMs;
  for (const key of keys)
    ctx.sql.exec("INSERT OR IGNORE INTO login_throttle VALUES (?, ?, ?, ?)", key, attemptId, at, expiresAt);
  sweepBy(ctx, expiresAt);
}

/** An attempt that succeeded is not a failure. */
export function uncountAttempt(ctx: OrgContext, keys: string[], attemptId: string): void {
  for (const key of keys) ctx.sql.exec("DELETE FROM login_throttle WHERE key = ? AND attempt_id = ?", key, attemptId);
}
