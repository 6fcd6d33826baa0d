/**
 * When a failed delivery is tried again (SPEC §6): about 5 s, 30 s, 2 min, 10 min, 1 h and
 * 6 h after each failure, then every 12 h, for up to 3 days after the first attempt. Each
 * delay gets ±20 % jitter, so receivers coming back from an outage are not hit by every
 * org at once. The time is kept in the delivery's own row; the object's alarm only wakes
 * the outbox up.
 */
export interface RetrySchedule {
  /** The delay after the 1st, 2nd, … failure. */
  delaysMs: readonly number[];
  /** The delay after every later failure. */
  repeatMs: number;
  /** No attempt is scheduled later than this after the first attempt: the delivery fails then. */
  giveUpAfterMs: number;
  /** 0.2: each delay is drawn from [0.8, 1.2] × its nominal value. */
  jitter: number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const STANDARD_RETRY_SCHEDULE: RetrySchedule = {
  delaysMs: [5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE, HOUR, 6 * HOUR],
  repeatMs: 12 * HOUR,
  giveUpAfterMs: 72 * HOUR,
  jitter: 0.2,
};

/**
 * Back-channel logout tokens (SPEC §9: retried for at most 1 h): about 5 s, 30 s, 2 min,
 * 10 min, then every 15 min, until an hour after the logout. A logout an hour late is one
 * the RP's own session expiry has usually done already.
 */
export const BACKCHANNEL_RETRY_SCHEDULE: RetrySchedule = {
  delaysMs: [5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE],
  repeatMs: 15 * MINUTE,
  giveUpAfterMs: HOUR,
  jitter: 0.2,
};

/**
 * The time of the next attempt after `failures` failed attempts (≥ 1), the last at
 * `lastAttemptAt`, the first at `firstAttemptAt`; null when the schedule is spent and the
 * delivery has finally failed. `random` is in [0, 1) (injected: this is pure).
 */
export function nextAttemptAt(
  schedule: RetrySchedule,
  failures: number,
  firstAttemptAt: number,
  lastAttemptAt: number,
  random: number,
): number | null {
  const nominal = schedule.delaysMs[failures - 1] ?? schedule.repeatMs;
  const delay = nominal * (1 - schedule.jitter + 2 * schedule.jitter * random);
  const at = Math.round(lastAttemptAt + delay);
  return at - firstAttemptAt > schedule.giveUpAfterMs ? null : at;
}
