/**
 * When an IdP's metadata is read again (SPEC §9 "Certificates and metadata"): every 12 h,
 * jittered so an org's connections (and all orgs after a deploy) do not fetch at once;
 * sooner when the document's `cacheDuration` says so or its `validUntil` comes first; and,
 * after a failure, with a backoff that always stays well under the 12 h. Pure: the clock
 * and the randomness come in.
 */

/** The regular interval between two reads of one connection's metadata. */
export const REFRESH_INTERVAL_MS = 12 * 3_600_000;
/** Jitter: a read is due between 90 % and 100 % of its interval after the last one. */
export const REFRESH_JITTER = 0.1;
/** No document may ask to be read more often than this (a `cacheDuration` of PT1S would hammer the IdP). */
export const MIN_REFRESH_INTERVAL_MS = 15 * 60_000;
/** Retries after a failed read: 5 min, doubling, at most 3 h (always sooner than the regular 12 h). */
export const FIRST_RETRY_MS = 5 * 60_000;
export const MAX_RETRY_MS = 3 * 3_600_000;
/** How long a certificate the metadata stopped listing stays trusted when no login proves the new set. */
export const CERTIFICATE_DROP_GRACE_MS = 24 * 3_600_000;

/**
 * The next regular read after one at `now`: the interval (12 h, or the document's
 * `cacheDuration` when shorter, never under 15 min), less up to 10 % of jitter, and no
 * later than the document's `validUntil` when that is still ahead.
 */
export function nextRefreshAt(input: {
  now: number;
  cacheDurationMs?: number | undefined;
  validUntil?: Date | null | undefined;
  random: number;
}): number {
  const interval = Math.max(
    MIN_REFRESH_INTERVAL_MS,
    Math.min(REFRESH_INTERVAL_MS, input.cacheDurationMs ?? REFRESH_INTERVAL_MS),
  );
  const next = input.now + interval * (1 - REFRESH_JITTER * input.random);
  const until = input.validUntil?.getTime();
  if (until !== undefined && until > input.now)
    return Math.max(input.now + MIN_REFRESH_INTERVAL_MS, Math.min(next, until));
  return next;
}

/** The retry after the `failures`-th failed read in a row (1-based). */
export function retryRefreshAt(now: number, failures: number): number {
  return now + Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1), MAX_RETRY_MS);
}
