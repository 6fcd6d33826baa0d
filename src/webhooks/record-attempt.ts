import type { DeliveryPolicy } from "./delivery-policy";
import type { DeliveryRow } from "./delivery-rows";
import { nextAttemptAt } from "./retry-schedule";
import { isGone, isSuccess, type AttemptOutcome } from "./send-attempt";

/** What an attempt did to its delivery, and so to the endpoint's queue. */
export type AttemptVerdict =
  | { kind: "succeeded" }
  | { kind: "retry"; at: number }
  /** The endpoint must be disabled: it answered 410, or the delivery failed for 3 days (SPEC §6). */
  | { kind: "disable"; reason: "gone" | "failing" }
  /** A manual re-send failed: the delivery is `failed` again (or back in its queue), nothing else changes. */
  | { kind: "manual_failed" };

/**
 * Records one attempt in the delivery's rows and decides what comes next: done on a 2xx;
 * the next time of the schedule, with its jitter, kept in the row (the alarm only wakes the
 * outbox up); or `failed` — at once on a 410, or when the schedule is spent after 3 days.
 * Synchronous: run inside one transaction.
 */
export function recordAttempt(
  sql: SqlStorage,
  row: DeliveryRow,
  outcome: AttemptOutcome,
  attemptAt: number,
  policy: DeliveryPolicy,
): AttemptVerdict {
  const n = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM webhook_attempts WHERE delivery_id = ?", row.id).one().n;
  sql.exec(
    "INSERT INTO webhook_attempts (delivery_id, n, at, status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
    row.id,
    n + 1,
    new Date(attemptAt).toISOString(),
    outcome.status,
    outcome.error ?? (isSuccess(outcome) ? null : outcome.status === null ? "no answer" : null),
    Math.max(0, Math.round(outcome.durationMs)),
  );
  const first = row.first_attempt_at ?? attemptAt;
  const verdict = decide(row, outcome, n + 1, first, attemptAt, policy);
  const status = verdict.kind === "succeeded" ? "succeeded" : verdict.kind === "retry" ? "pending" : "failed";
  const stillQueued = verdict.kind === "manual_failed" && row.manual === 2;
  sql.exec(
    `UPDATE webhook_deliveries SET status = ?, manual = 0, first_attempt_at = ?, next_attempt_at = ?, revision = revision + 1
     WHERE id = ?`,
    stillQueued ? "pending" : status,
    first,
    verdict.kind === "retry" ? verdict.at : stillQueued ? row.next_attempt_at : null,
    row.id,
  );
  return verdict;
}

function decide(
  row: DeliveryRow,
  outcome: AttemptOutcome,
  attempts: number,
  first: number,
  attemptAt: number,
  policy: DeliveryPolicy,
): AttemptVerdict {
  if (isSuccess(outcome)) return { kind: "succeeded" };
  if (isGone(outcome)) return { kind: "disable", reason: "gone" };
  if (row.manual !== 0) return { kind: "manual_failed" };
  const at = nextAttemptAt(policy.schedule, attempts, first, attemptAt, policy.random());
  return at === null ? { kind: "disable", reason: "failing" } : { kind: "retry", at };
}
