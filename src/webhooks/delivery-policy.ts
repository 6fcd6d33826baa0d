import { BACKCHANNEL_RETRY_SCHEDULE, STANDARD_RETRY_SCHEDULE, type RetrySchedule } from "./retry-schedule";

/**
 * How an outbox delivers (SPEC §6). Each object holds one; tests replace it on a running
 * object (a short schedule and timeout) instead of waiting real hours.
 */
export interface DeliveryPolicy {
  schedule: RetrySchedule;
  /** Back-channel logout tokens (SPEC §9): retried for at most an hour after the logout. */
  backchannelSchedule: RetrySchedule;
  /** An attempt without an answer by then is a failure (SPEC §6: 10 s). */
  timeoutMs: number;
  /**
   * How long an isolate trusts its copy of the endpoints (URL, subscriptions, secrets,
   * enabled): a disable or a change reaches every outbox within this plus one attempt's
   * timeout, inside SPEC §6's 30 s.
   */
  targetsTtlMs: number;
  /** How long one run of the outbox task delivers before it yields (and runs again at once). */
  runBudgetMs: number;
  /** [0, 1): the jitter's draw. */
  random: () => number;
}

export const STANDARD_DELIVERY_POLICY: DeliveryPolicy = {
  schedule: STANDARD_RETRY_SCHEDULE,
  backchannelSchedule: BACKCHANNEL_RETRY_SCHEDULE,
  timeoutMs: 10_000,
  targetsTtlMs: 15_000,
  runBudgetMs: 20_000,
  random: Math.random,
};
