/**
 * When a certificate's expiry notice is due (SPEC §9: `connection.certificate_expiring` fires
 * 30, 7 and 1 days before notAfter). Pure, with the clock passed in.
 */

/** The notice thresholds, in days before notAfter, tightest first. */
export const EXPIRY_THRESHOLDS_DAYS = [1, 7, 30] as const;
export type ExpiryThreshold = (typeof EXPIRY_THRESHOLDS_DAYS)[number];

const DAY_MS = 86_400_000;

/** The notice a certificate is due at `now`: the tightest threshold it is within, and whole days left. */
export interface ExpiryNotice {
  thresholdDays: ExpiryThreshold;
  /** Days until notAfter, rounded up (30 on the day the 30-day notice is due); 0 once expired. */
  daysLeft: number;
}

/**
 * The tightest threshold a certificate expiring at `notAfter` is within at `now`, or null
 * when it has more than 30 days left. A certificate first seen with 5 days left is within
 * 7 (and 30): only the tightest, 7, is due, so the notice that fires says what is true now.
 * An expired certificate is within 1 (it gets the last notice once, with 0 days left).
 */
export function dueExpiryNotice(notAfter: Date, now: Date): ExpiryNotice | null {
  const daysLeft = Math.max(0, Math.ceil((notAfter.getTime() - now.getTime()) / DAY_MS));
  const thresholdDays = EXPIRY_THRESHOLDS_DAYS.find((t) => daysLeft <= t);
  return thresholdDays === undefined ? null : { thresholdDays, daysLeft };
}
