import { randomToken } from "../../lib/ids";
import { one } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import { rowToConnection, type ConnectionRow } from "./connection-rows";
import { sweepBy } from "./expiry-sweep";
import { requireOrganization } from "./organization-ops";
import { endSessions, findSamlSessions } from "./session-ops";
import type { SamlConnection } from "./types";

/** The task that sends back-channel logout tokens (src/webhooks/backchannel-logout.ts). */
export const BACKCHANNEL_TASK_KEY = "backchannel";

/** How long a back-channel delivery's row is kept (it is retried for at most an hour, SPEC §9). */
export const BACKCHANNEL_RECORD_MS = 24 * 3_600_000;

/** What a verified LogoutRequest names (src/saml/verify-logout-request.ts VerifiedLogoutRequest). */
export interface IdpLogoutRequest {
  id: string;
  nameId: string;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  sessionIndexes: string[];
  /** Epoch ms: the request ID stays in the replay cache until then. */
  replayCacheUntil: number;
}

/** What acting on a verified LogoutRequest did. */
export type IdpLogoutOutcome =
  { ok: true; endedSessions: number; backchannelDeliveries: number } | { ok: false; reason: "replayed" };

/** The SAML connection of an SLO URL; null when the org or the connection is unknown, or not SAML. */
export function getSamlConnection(ctx: OrgContext, input: { connectionId: string }): SamlConnection | null {
  const org = one<{ id: string }>(ctx.sql, "SELECT id FROM organization LIMIT 1");
  const row = org ? one<ConnectionRow>(ctx.sql, "SELECT * FROM connections WHERE id = ?", input.connectionId) : null;
  const connection = org && row ? rowToConnection(row, org.id) : null;
  return connection?.type === "saml" ? connection : null;
}

/**
 * An IdP-initiated logout (SPEC §9), after the worker verified the LogoutRequest's
 * signature, Issuer, Destination and freshness — in one transaction:
 * the request's ID enters the replay cache (seen before: `replayed`, nothing ends); the
 * sessions it names end (SAML core 3.7.3.2: by NameID and its qualifiers, and only the
 * listed SessionIndex values when it lists any), revoking their access tokens and unspent
 * codes and recording `user.logged_out`; and each ended session queues one back-channel
 * logout token for its client in this object's outbox. Naming no live session is a success.
 */
function idpLogout(ctx: OrgContext, input: { connectionId: string; request: IdpLogoutRequest }): IdpLogoutOutcome {
  const now = ctx.now.getTime();
  const { request } = input;
  const seen = one<{ expires_at: number }>(
    ctx.sql,
    "SELECT expires_at FROM logout_request_replay WHERE connection_id = ? AND request_id = ?",
    input.connectionId,
    request.id,
  );
  if (seen && seen.expires_at >= now) return { ok: false, reason: "replayed" };
  const until = Math.max(request.replayCacheUntil, now);
  ctx.sql.exec(
    "INSERT OR REPLACE INTO logout_request_replay (connection_id, request_id, expires_at) VALUES (?, ?, ?)",
    input.connectionId,
    request.id,
    until,
  );
  sweepBy(ctx, until);
  const sessions = findSamlSessions(ctx, { connectionId: input.connectionId, ...request });
  endSessions(ctx, sessions, "idp");
  for (const session of sessions) {
    ctx.sql.exec(
      `INSERT INTO backchannel_deliveries (jti, client_id, sid, sub, status, next_attempt_at, created_at, expires_at)
       VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
      randomToken(16),
      session.clientId,
      session.sid,
      session.memberId,
      now,
      now,
      now + BACKCHANNEL_RECORD_MS,
    );
  }
  if (sessions.length > 0) {
    ctx.tasks.scheduleBy("backchannel-logout", BACKCHANNEL_TASK_KEY, now);
    sweepBy(ctx, now + BACKCHANNEL_RECORD_MS);
  }
  return { ok: true, endedSessions: sessions.length, backchannelDeliveries: sessions.length };
}

/**
 * A LogoutRequest that was refused (SPEC §9: the IdP gets a LogoutResponse saying why):
 * recorded in the org's audit log as `logout.refused` with the rejection code and its
 * private detail, so an admin sees why the IdP's logout did not end anything.
 */
function recordLogoutRefusal(
  ctx: OrgContext,
  input: { connectionId: string; requestId: string | null; reason: string; detail: string; referenceId: string },
): void {
  const org = requireOrganization(ctx);
  recordEvent(ctx, org.id, "logout.refused", input.connectionId, {
    connectionId: input.connectionId,
    requestId: input.requestId,
    reason: input.reason,
    detail: input.detail,
    referenceId: input.referenceId,
  });
}

export const idpLogoutOps = { getSamlConnection, idpLogout, recordLogoutRefusal };
