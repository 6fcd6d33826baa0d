import { all, one } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import { sweepBy } from "./expiry-sweep";
import type { LoginSession } from "./login-types";
import { requireOrganization } from "./organization-ops";

/**
 * Login sessions (SPEC §9 logout): one per completed login, named by the `sid` of its ID
 * tokens. Ending one, from either side, deletes it with its unspent codes and its access
 * tokens in one transaction, and records `user.logged_out`.
 */

type SessionRow = {
  sid: string;
  member_id: string;
  connection_id: string;
  client_id: string;
  name_id: string | null;
  name_id_format: string | null;
  name_qualifier: string | null;
  sp_name_qualifier: string | null;
  session_index: string | null;
  created_at: string;
  expires_at: number;
};

/** Who ended a session: the app (RP-initiated logout) or the IdP (a LogoutRequest). */
export type LogoutInitiator = "rp" | "idp";

function rowToSession(row: SessionRow): LoginSession {
  return {
    sid: row.sid,
    memberId: row.member_id,
    connectionId: row.connection_id,
    clientId: row.client_id,
    saml:
      row.name_id === null
        ? null
        : {
            nameId: row.name_id,
            nameIdFormat: row.name_id_format,
            nameQualifier: row.name_qualifier,
            spNameQualifier: row.sp_name_qualifier,
            sessionIndex: row.session_index,
          },
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** Stores a new session, in the transaction of the login that opens it. */
export function recordSession(ctx: OrgContext, session: LoginSession): void {
  ctx.sql.exec(
    `INSERT INTO sessions (sid, member_id, connection_id, client_id, name_id, name_id_format, name_qualifier,
       sp_name_qualifier, session_index, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    session.sid,
    session.memberId,
    session.connectionId,
    session.clientId,
    session.saml?.nameId ?? null,
    session.saml?.nameIdFormat ?? null,
    session.saml?.nameQualifier ?? null,
    session.saml?.spNameQualifier ?? null,
    session.saml?.sessionIndex ?? null,
    session.createdAt,
    session.expiresAt,
  );
  sweepBy(ctx, session.expiresAt);
}

/** A live session by its `sid`; null when unknown, ended or expired. */
export function findSession(ctx: OrgContext, sid: string): LoginSession | null {
  const row = one<SessionRow>(ctx.sql, "SELECT * FROM sessions WHERE sid = ?", sid);
  return row && row.expires_at >= ctx.now.getTime() ? rowToSession(row) : null;
}

/**
 * The live sessions of a connection a LogoutRequest names (SAML core 3.7.3.2): by NameID
 * (and its qualifiers when the request gives them), and, when the request lists
 * SessionIndex values, only those sessions; without any, every session of that NameID.
 */
export function findSamlSessions(
  ctx: OrgContext,
  input: {
    connectionId: string;
    nameId: string;
    nameQualifier: string | null;
    spNameQualifier: string | null;
    sessionIndexes: string[];
  },
): LoginSession[] {
  const rows = all<SessionRow>(
    ctx.sql,
    "SELECT * FROM sessions WHERE connection_id = ? AND name_id = ? AND expires_at >= ?",
    input.connectionId,
    input.nameId,
    ctx.now.getTime(),
  );
  return rows
    .filter(
      (r) => input.nameQualifier === null || r.name_qualifier === null || r.name_qualifier === input.nameQualifier,
    )
    .filter(
      (r) =>
        input.spNameQualifier === null || r.sp_name_qualifier === null || r.sp_name_qualifier === input.spNameQualifier,
    )
    .filter((r) => input.sessionIndexes.length === 0 || input.sessionIndexes.includes(r.session_index ?? ""))
    .map(rowToSession);
}

/**
 * Ends sessions (SPEC §9): deletes each with its unspent codes and its access tokens, and
 * records `user.logged_out` per session, counting what was revoked.
 */
export function endSessions(ctx: OrgContext, sessions: LoginSession[], initiator: LogoutInitiator): void {
  const org = requireOrganization(ctx);
  const now = ctx.now.getTime();
  const live = (query: string, sid: string) =>
    ctx.sql
      .exec(query, sid)
      .toArray()
      .filter((r) => Number(r.expires_at) >= now).length;
  for (const session of sessions) {
    ctx.sql.exec("DELETE FROM sessions WHERE sid = ?", session.sid);
    const revokedCodes = live("DELETE FROM auth_codes WHERE sid = ? RETURNING expires_at", session.sid);
    const revokedAccessTokens = live("DELETE FROM access_tokens WHERE sid = ? RETURNING expires_at", session.sid);
    recordEvent(ctx, org.id, "user.logged_out", session.memberId, {
      sid: session.sid,
      connectionId: session.connectionId,
      clientId: session.clientId,
      initiator,
      revokedCodes,
      revokedAccessTokens,
    });
  }
}

/**
 * RP-initiated logout's local step (SPEC §9: the local session ends first): ends the live
 * session `sid`, when it belongs to `clientId` (the ID token hint's audience), and returns
 * it; null when there is none (already ended, expired, unknown or another client's).
 */
function endSession(ctx: OrgContext, input: { sid: string; clientId: string }): LoginSession | null {
  const session = findSession(ctx, input.sid);
  if (!session || session.clientId !== input.clientId) return null;
  endSessions(ctx, [session], "rp");
  return session;
}

export const sessionOps = { endSession };
