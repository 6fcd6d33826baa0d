import { issuerOf } from "../oauth/issuer";
import { signLogoutToken } from "../oauth/logout-token";
import { activeSigningKey } from "../oauth/signing-keys";
import { readClient } from "../store/cache/app-records";
import { all, one } from "../store/sql";
import type { AsyncTaskHandler, TaskOutcome } from "../store/scheduler/scheduler";
import type { OutboxDeps } from "./deliver-task";
import { nextAttemptAt } from "./retry-schedule";
import { isSuccess, sendAttempt, type AttemptOutcome } from "./send-attempt";

/**
 * The back-channel logout outbox (SPEC §9), the outbox's second kind of target: not a
 * Standard Webhooks message to a webhook endpoint, but an OpenID Connect Back-Channel
 * Logout 1.0 logout token to the `backchannelLogoutUri` of the client whose session an
 * IdP-initiated logout ended. One row per ended session (store/org/idp-logout-ops.ts, in
 * the logout's transaction, so none is lost); each attempt mints a fresh token (`iat` now,
 * `exp = iat + 120 s`) with the row's stable `jti`, POSTed as
 * `application/x-www-form-urlencoded` `logout_token=…` (§2.5); a 2xx is done, anything else
 * retries on the policy's `backchannelSchedule`, at most an hour after the logout. The
 * client's URI is read when sending: a client without one (or deleted) gets nothing.
 */
export type BackchannelRow = {
  jti: string;
  client_id: string;
  sid: string;
  sub: string;
  status: "pending" | "succeeded" | "failed" | "skipped";
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: number | null;
  created_at: number;
  expires_at: number;
};

/** Rows one run sends at most (in parallel); more due run again at once. */
const BATCH = 20;

export function deliverBackchannelLogout(deps: OutboxDeps): AsyncTaskHandler<unknown> {
  return {
    async: true,
    leaseMs: 2 * 60_000,
    run: () => runBackchannel(deps),
  };
}

async function runBackchannel(deps: OutboxDeps): Promise<TaskOutcome> {
  const { sql } = deps.storage;
  const due = all<BackchannelRow>(
    sql,
    "SELECT * FROM backchannel_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
    deps.clock(),
    BATCH,
  );
  const results = await Promise.all(due.map((row) => attempt(deps, row)));
  deps.storage.transactionSync(() => {
    for (const result of results) record(sql, result);
  });
  const next = one<{ at: number | null }>(
    sql,
    "SELECT MIN(next_attempt_at) AS at FROM backchannel_deliveries WHERE status = 'pending'",
  )?.at;
  return next === null || next === undefined ? undefined : { rescheduleAt: next };
}

/** One attempt's result, recorded after the batch. */
type Attempted =
  | { row: BackchannelRow; kind: "skipped"; reason: string }
  | { row: BackchannelRow; kind: "sent"; outcome: AttemptOutcome; at: number; next: number | null };

async function attempt(deps: OutboxDeps, row: BackchannelRow): Promise<Attempted> {
  const { env } = deps;
  const at = deps.clock();
  const client = await readClient(env, row.client_id, at);
  if (!client) return { row, kind: "skipped", reason: "the client no longer exists" };
  if (!client.backchannelLogoutUri) return { row, kind: "skipped", reason: "the client has no backchannelLogoutUri" };
  const token = await signLogoutToken({
    issuer: issuerOf(env.PUBLIC_URL),
    clientId: row.client_id,
    sub: row.sub,
    sid: row.sid,
    jti: row.jti,
    key: await activeSigningKey(env, at),
    now: at,
  });
  const outcome = await sendAttempt(
    env,
    {
      url: client.backchannelLogoutUri,
      headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": "edge-sso-logout/1" },
      body: new URLSearchParams({ logout_token: token }).toString(),
    },
    deps.policy.timeoutMs,
    deps.clock,
  );
  const next = isSuccess(outcome)
    ? null
    : nextAttemptAt(deps.policy.backchannelSchedule, row.attempts + 1, row.created_at, at, deps.policy.random());
  return { row, kind: "sent", outcome, at, next };
}

function record(sql: SqlStorage, result: Attempted): void {
  if (result.kind === "skipped") {
    sql.exec(
      "UPDATE backchannel_deliveries SET status = 'skipped', last_error = ?, next_attempt_at = NULL WHERE jti = ?",
      result.reason,
      result.row.jti,
    );
    return;
  }
  const { outcome } = result;
  const status = isSuccess(outcome) ? "succeeded" : result.next === null ? "failed" : "pending";
  sql.exec(
    `UPDATE backchannel_deliveries SET status = ?, attempts = attempts + 1, last_status = ?, last_error = ?,
       next_attempt_at = ? WHERE jti = ?`,
    status,
    outcome.status,
    outcome.error,
    status === "pending" ? result.next : null,
    result.row.jti,
  );
}
