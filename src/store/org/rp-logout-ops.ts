import { one } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import { getSamlConnection } from "./idp-logout-ops";
import { sweepBy } from "./expiry-sweep";
import type { LoginSession } from "./login-types";
import { requireOrganization } from "./organization-ops";
import { endSessions, findSession } from "./session-ops";
import type { SamlConnection } from "./types";

/**
 * RP-initiated logout in the org's object (SPEC §9, OpenID RP-Initiated Logout 1.0): the
 * local session ends first; for a SAML login whose IdP has an SLO URL, the LogoutRequest we
 * send is remembered as single-use state (`logout_requests`) until the IdP's LogoutResponse
 * comes back, or it expires.
 */

/** How long we wait for the IdP's LogoutResponse (a user at the IdP's page; as a pending login). */
export const LOGOUT_REQUEST_TTL_MS = 10 * 60_000;

/** The LogoutRequest about to be sent, as the worker prepared it. */
export interface OutgoingLogoutRequest {
  /** The LogoutRequest's ID (an xs:ID), which the response's InResponseTo must name. */
  requestId: string;
  /** The RelayState sent with it: finds this state again when the IdP answers. */
  relayState: string;
  /** Where the user goes after the IdP answered (post_logout_redirect_uri with state), or null: our page. */
  returnTo: string | null;
}

/** What `beginRpLogout` did: the ended session (null when none was live) and the SAML connection to log out of. */
export interface RpLogoutStart {
  session: LoginSession | null;
  /** Set when the session is a SAML login whose connection has an SLO URL: the LogoutRequest is recorded. */
  saml: { connection: SamlConnection; sessionName: NonNullable<LoginSession["saml"]> } | null;
}

/**
 * Ends the live session `sid` when it belongs to `clientId` (the ID token hint's audience),
 * revoking its codes and access tokens (session-ops.ts), and — for a SAML session whose
 * connection has an IdP SLO URL — records the outgoing LogoutRequest, in one transaction.
 */
function beginRpLogout(
  ctx: OrgContext,
  input: { sid: string; clientId: string; logoutRequest: OutgoingLogoutRequest },
): RpLogoutStart {
  requireOrganization(ctx);
  const session = findSession(ctx, input.sid);
  if (!session || session.clientId !== input.clientId) return { session: null, saml: null };
  endSessions(ctx, [session], "rp");
  const connection = getSamlConnection(ctx, { connectionId: session.connectionId });
  if (!connection?.settings.saml.idpSloUrl || !session.saml) return { session, saml: null };
  const expiresAt = ctx.now.getTime() + LOGOUT_REQUEST_TTL_MS;
  ctx.sql.exec(
    `INSERT INTO logout_requests (relay_state, request_id, connection_id, sid, return_to, created_at, expires_at, consumed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
    input.logoutRequest.relayState,
    input.logoutRequest.requestId,
    connection.id,
    session.sid,
    input.logoutRequest.returnTo,
    ctx.now.toISOString(),
    expiresAt,
  );
  sweepBy(ctx, expiresAt);
  return { session, saml: { connection, sessionName: session.saml } };
}

type LogoutRequestRow = {
  relay_state: string;
  request_id: string;
  connection_id: string;
  sid: string;
  return_to: string | null;
  expires_at: number;
  consumed_at: string | null;
};

/** The outstanding LogoutRequest a LogoutResponse's RelayState names, consumed by this call. */
export type TakenLogoutRequest =
  | {
      status: "taken";
      requestId: string;
      returnTo: string | null;
      connection: SamlConnection;
    }
  /** It was answered already: a replayed LogoutResponse (the row is kept, spent, until it expires). */
  | { status: "spent"; connection: SamlConnection | null }
  /** No live outstanding request of this connection has this RelayState (never sent, expired, another connection's). */
  | { status: "unknown"; connection: SamlConnection | null };

/**
 * Takes the outstanding LogoutRequest of `connectionId` named by `relayState`, single-use:
 * the first call marks it spent and returns it with the connection whose certificates verify
 * the response; later calls see `spent`. The response's signature and InResponseTo are
 * checked by the worker after this (a bad answer still ends the logout: SPEC §9).
 */
function takeLogoutRequest(ctx: OrgContext, input: { connectionId: string; relayState: string }): TakenLogoutRequest {
  const connection = getSamlConnection(ctx, { connectionId: input.connectionId });
  const row = one<LogoutRequestRow>(
    ctx.sql,
    "SELECT * FROM logout_requests WHERE relay_state = ? AND connection_id = ? AND expires_at >= ?",
    input.relayState,
    input.connectionId,
    ctx.now.getTime(),
  );
  if (!row || !connection) return { status: "unknown", connection };
  if (row.consumed_at !== null) return { status: "spent", connection };
  ctx.sql.exec(
    "UPDATE logout_requests SET consumed_at = ? WHERE relay_state = ?",
    ctx.now.toISOString(),
    row.relay_state,
  );
  return { status: "taken", requestId: row.request_id, returnTo: row.return_to, connection };
}

/**
 * Records a LogoutResponse we could not accept (SPEC §9: the local session had ended
 * already and the user still gets the final redirect): `logout.failed` with the reason.
 */
function recordLogoutFailure(
  ctx: OrgContext,
  input: { referenceId: string; connectionId: string; requestId: string | null; reason: string; detail: string },
): void {
  const org = requireOrganization(ctx);
  recordEvent(ctx, org.id, "logout.failed", input.connectionId, {
    referenceId: input.referenceId,
    requestId: input.requestId,
    reason: input.reason,
    detail: input.detail,
  });
}

export const rpLogoutOps = { beginRpLogout, takeLogoutRequest, recordLogoutFailure };
