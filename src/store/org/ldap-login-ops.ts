import { timingSafeEqual } from "../../crypto/hash";
import { one } from "../sql";
import type { OrgContext } from "./context";
import { rowToConnection, type ConnectionRow } from "./connection-rows";
import { consumePendingLogin, findPendingLogin, type PendingLoginClaim } from "./login-ops";
import type { PendingLogin } from "./login-types";
import { countAttempt, keyWindow, throttleDecision, uncountAttempt } from "./login-throttle";
import type { LdapConnection } from "./types";

/** Why the hosted LDAP form may not be shown or used for this request. */
export type LdapFormRefusal = "unknown_connection" | "unknown" | "browser_mismatch" | "connection_mismatch";

/** The form's pending login and its connection, or why not. */
export type LdapFormView =
  { ok: true; connection: LdapConnection; pending: PendingLogin } | { ok: false; reason: LdapFormRefusal };

interface LdapFormRequest {
  connectionId: string;
  relayState: string;
  /** SHA-256 of each binding cookie the browser sent (flow/browser-binding.ts). */
  browserHashes: string[];
}

/** The throttling keys of one attempt (`user:<sha256>`, `ip:<sha256>`) and its ID. */
interface AttemptKeys {
  userKey: string;
  ipKey: string;
  attemptId: string;
}

/**
 * GET /ldap/{connId}/login: the LDAP connection of the URL and the pending login `rs`
 * names, for this browser only, left in place (the form may be submitted again).
 */
function viewLdapLogin(ctx: OrgContext, input: LdapFormRequest): LdapFormView {
  const org = one<{ id: string }>(ctx.sql, "SELECT id FROM organization LIMIT 1");
  const row = org ? one<ConnectionRow>(ctx.sql, "SELECT * FROM connections WHERE id = ?", input.connectionId) : null;
  const connection = org && row ? rowToConnection(row, org.id) : null;
  if (!connection || connection.type !== "ldap") return { ok: false, reason: "unknown_connection" };
  const claim = findPendingLogin(ctx, { relayState: input.relayState, browserHashes: input.browserHashes });
  if (!claim.ok) return { ok: false, reason: claim.reason === "browser_mismatch" ? "browser_mismatch" : "unknown" };
  if (claim.pending.connectionId !== connection.id) return { ok: false, reason: "connection_mismatch" };
  return { ok: true, connection, pending: claim.pending };
}

/**
 * Whether a submitted form may go to the directory: `retryAfterMs` null when the attempt
 * was counted and may go, else how long the throttle holds (the form is shown again, 429).
 */
export type LdapAttemptStart =
  | { ok: false; reason: LdapFormRefusal | "csrf_mismatch" }
  | { ok: true; connection: LdapConnection; pending: PendingLogin; retryAfterMs: number | null };

/**
 * POST /ldap/{connId}/login, before any directory work, atomically: the form's pending
 * login for this browser, its CSRF token, then the throttle (SPEC §9). An allowed attempt is
 * counted as a failure at once (login-throttle.ts), so parallel guesses cannot pass the
 * limit; {@link claimLdapLogin} uncounts it when the password was right.
 */
function beginLdapAttempt(ctx: OrgContext, input: LdapFormRequest & AttemptKeys & { csrf: string }): LdapAttemptStart {
  const view = viewLdapLogin(ctx, input);
  if (!view.ok) return view;
  const expected = view.pending.upstream?.csrf;
  if (!expected || !timingSafeEqual(expected, input.csrf)) return { ok: false, reason: "csrf_mismatch" };
  const now = ctx.now.getTime();
  const decision = throttleDecision({ user: keyWindow(ctx, input.userKey), ip: keyWindow(ctx, input.ipKey) }, now);
  if (!decision.allowed) return { ...view, retryAfterMs: decision.retryAfterMs };
  countAttempt(ctx, [input.userKey, input.ipKey], input.attemptId);
  return { ...view, retryAfterMs: null };
}

/**
 * The password was right: takes the pending login out, exactly once and for this browser
 * (login-ops.ts consumePendingLogin), and uncounts the attempt.
 */
function claimLdapLogin(ctx: OrgContext, input: LdapFormRequest & AttemptKeys): PendingLoginClaim {
  const claim = consumePendingLogin(ctx, { relayState: input.relayState, browserHashes: input.browserHashes });
  if (claim.ok) uncountAttempt(ctx, [input.userKey, input.ipKey], input.attemptId);
  return claim;
}

export const ldapLoginOps = { viewLdapLogin, beginLdapAttempt, claimLdapLogin };
