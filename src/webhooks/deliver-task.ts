import type { Env } from "../env";
import type { AsyncTaskHandler, TaskOutcome } from "../store/scheduler/scheduler";
import type { DeliveryPolicy } from "./delivery-policy";
import { deliveryTargets, markTargetDisabled, signingSecrets, type DeliveryTarget } from "./delivery-targets";
import { endpointsWithPending, failPending, manualRetries, queueHead, type DeliveryRow } from "./delivery-rows";
import { fanOut } from "./fan-out";
import { flushDeliveryLog, flushDisables } from "./flush";
import { recordAttempt, type AttemptVerdict } from "./record-attempt";
import { isSuccess, sendAttempt, type AttemptOutcome } from "./send-attempt";
import { signatureHeader } from "./sign-webhook";

/** What an object's outbox runs with. `policy` and `clock` are replaceable by tests on a running object. */
export interface OutboxDeps {
  env: Env;
  storage: DurableObjectStorage;
  policy: DeliveryPolicy;
  clock: () => number;
}

/** How far flush failures (the app-wide objects unreachable) push the next run at most. */
const FLUSH_RETRY_MS = 30_000;

/**
 * The `webhook-deliveries` task (SPEC §6): fans the outbox's events out to deliveries,
 * sends manual retries, then drains each endpoint's queue in order, one attempt in flight
 * per endpoint (endpoints in parallel), until the queue waits on a backoff or the run's
 * budget is spent; then reports disables and delivery state to the app-wide objects, and
 * asks to run again when the earliest queue is due. A restarted object resumes from its
 * rows: at least once, never lost.
 */
export function deliverWebhooks(deps: OutboxDeps): AsyncTaskHandler<{ now: Date }> {
  let running = false;
  return {
    async: true,
    leaseMs: 5 * 60_000,
    async run() {
      if (running) return { rescheduleAt: deps.clock() + 1_000 };
      running = true;
      try {
        return await runOutbox(deps);
      } finally {
        running = false;
      }
    },
  };
}

async function runOutbox(deps: OutboxDeps): Promise<TaskOutcome> {
  const { storage, policy } = deps;
  const start = deps.clock();
  const targets = await deliveryTargets(deps.env, start, policy.targetsTtlMs);
  while (storage.transactionSync(() => fanOut(storage.sql, targets.values(), 500)) === 500);
  for (const endpointId of endpointsWithPending(storage.sql)) {
    if (!targets.get(endpointId)?.enabled) failPending(storage.sql, endpointId);
  }
  for (const row of manualRetries(storage.sql)) await sendManual(deps, row);
  const deadline = start + policy.runBudgetMs;
  const waits = await Promise.all(endpointsWithPending(storage.sql).map((id) => drainEndpoint(deps, id, deadline)));
  // The log first: an outbox that disabled an endpoint has failed its own pending deliveries, and says so.
  const logged = await flushDeliveryLog(deps);
  const flushed = (await flushDisables(deps)) && logged;
  const due = [...waits.filter((t): t is number => t !== null), ...(flushed ? [] : [deps.clock() + FLUSH_RETRY_MS])];
  return due.length > 0 ? { rescheduleAt: Math.min(...due) } : undefined;
}

/**
 * Successes recorded together at most: a Durable Object holds every outgoing request until
 * its previous writes are durable, so writing after each 2xx would make each attempt wait
 * for the disk. A restart can re-send up to this many answered deliveries (at least once:
 * receivers dedupe by webhook-id); a failure is recorded before anything else is sent.
 */
const SUCCESS_BATCH = 50;

/**
 * Sends an endpoint's queue in order until it is empty (null), its head waits on a backoff
 * (that time), or the deadline passes (now: run again at once). The endpoint is looked up
 * before every attempt, so a disable seen in between stops the queue.
 */
async function drainEndpoint(deps: OutboxDeps, endpointId: string, deadline: number): Promise<number | null> {
  const answered: Sent[] = [];
  try {
    while (deps.clock() < deadline) {
      const target = (await deliveryTargets(deps.env, deps.clock(), deps.policy.targetsTtlMs)).get(endpointId);
      if (!target?.enabled) {
        record(deps, answered.splice(0));
        failPending(deps.storage.sql, endpointId);
        return null;
      }
      const head = queueHead(deps.storage.sql, endpointId, answered.at(-1)?.row.seq);
      if (!head) return null;
      if ((head.next_attempt_at ?? 0) > deps.clock()) return head.next_attempt_at;
      const sent = await send(deps, target, head);
      if (isSuccess(sent.outcome) && answered.length < SUCCESS_BATCH - 1) {
        answered.push(sent);
        continue;
      }
      const verdict = record(deps, [...answered.splice(0), sent]);
      if (verdict.kind === "disable") return null;
      if (verdict.kind === "retry") return verdict.at;
    }
    return deps.clock();
  } finally {
    record(deps, answered);
  }
}

/** A `retry` (SPEC §6): one attempt now, out of the queue's order; never to a disabled endpoint. */
async function sendManual(deps: OutboxDeps, row: DeliveryRow): Promise<void> {
  const target = (await deliveryTargets(deps.env, deps.clock(), deps.policy.targetsTtlMs)).get(row.endpoint_id);
  if (!target?.enabled) {
    deps.storage.sql.exec(
      "UPDATE webhook_deliveries SET manual = 0, status = 'failed', revision = revision + 1 WHERE id = ?",
      row.id,
    );
    return;
  }
  record(deps, [await send(deps, target, row)]);
}

/** One attempt made and its answer, not yet recorded. */
interface Sent {
  target: DeliveryTarget;
  row: DeliveryRow;
  outcome: AttemptOutcome;
  at: number;
}

/** Signs and sends one attempt: its own timestamp, the signature recomputed (SPEC §6). */
async function send(deps: OutboxDeps, target: DeliveryTarget, row: DeliveryRow): Promise<Sent> {
  const at = deps.clock();
  const timestamp = Math.floor(at / 1000);
  const headers = {
    "content-type": "application/json",
    "user-agent": "edge-sso-webhooks/1",
    "webhook-id": row.event_id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signatureHeader(signingSecrets(target, at), row.event_id, timestamp, row.body),
  };
  const outcome = await sendAttempt(
    deps.env,
    { url: target.url, headers, body: row.body },
    deps.policy.timeoutMs,
    deps.clock,
  );
  return { target, row, outcome, at };
}

/**
 * Records attempts in order, in one transaction, and returns the last one's verdict; a
 * disable (410, or the schedule spent) fails the endpoint's pending deliveries here and
 * stops this isolate sending to it.
 */
function record(deps: OutboxDeps, attempts: Sent[]): AttemptVerdict {
  const { storage } = deps;
  if (attempts.length === 0) return { kind: "succeeded" };
  return storage.transactionSync(() => {
    let verdict: AttemptVerdict = { kind: "succeeded" };
    for (const { target, row, outcome, at } of attempts) {
      verdict = recordAttempt(storage.sql, row, outcome, at, deps.policy);
      if (verdict.kind !== "disable") continue;
      storage.sql.exec(
        "INSERT OR REPLACE INTO webhook_disables (endpoint_id, reason, at) VALUES (?, ?, ?)",
        target.id,
        verdict.reason,
        new Date(at).toISOString(),
      );
      failPending(storage.sql, target.id);
      markTargetDisabled(target.id);
    }
    return verdict;
  });
}
