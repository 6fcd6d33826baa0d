import { one } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import { rowToConnection, type ConnectionRow } from "./connection-rows";
import { requireOrganization } from "./organization-ops";
import { sweepBy } from "./expiry-sweep";
import type {
  LoginRefusal,
  LoginTarget,
  PendingLogin,
  Profile,
  SetupTestMark,
  SamlSessionName,
  VerifiedIdentity,
} from "./login-types";
import { recordSession } from "./session-ops";
import { settleCertificateDrops } from "./certificate-drop-ops";
import type { ConnectionRecord, OrganizationRecord } from "./types";
import { emailIsTrusted, matchMember } from "./match-member";
import { groupNamesOf } from "./scim/scim-membership";

type PendingRow = {
  relay_state: string;
  request_id: string;
  connection_id: string;
  client_id: string;
  redirect_uri: string;
  state: string | null;
  nonce: string | null;
  code_challenge: string | null;
  scope: string;
  login_hint: string | null;
  browser_hash: string;
  upstream: string | null;
  created_at: string;
  expires_at: number;
  setup_test: string | null;
};

function createPendingLogin(ctx: OrgContext, p: PendingLogin): void {
  ctx.sql.exec(
    `INSERT INTO pending_logins (relay_state, request_id, connection_id, client_id, redirect_uri, state, nonce,
       code_challenge, scope, login_hint, browser_hash, upstream, created_at, expires_at, setup_test)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    p.relayState,
    p.requestId,
    p.connectionId,
    p.clientId,
    p.redirectUri,
    p.state,
    p.nonce,
    p.codeChallenge,
    p.scope,
    p.loginHint,
    p.browserHash,
    p.upstream ? JSON.stringify(p.upstream) : null,
    p.createdAt,
    p.expiresAt,
    p.setupTest ? JSON.stringify(p.setupTest) : null,
  );
  sweepBy(ctx, p.expiresAt);
}

/** The pending login a callback claims, or why it may not have it. */
export type PendingLoginClaim =
  { ok: true; pending: PendingLogin } | { ok: false; reason: "unknown" | "browser_mismatch" | "client_mismatch" };

/**
 * Takes the pending login out, exactly once, and only for its own browser (one of
 * `browserHashes`, the SHA-256 of the caller's binding cookies) or its own client: a
 * caller who merely knows a RelayState cannot spend someone else's login.
 */
export function consumePendingLogin(
  ctx: OrgContext,
  input: { relayState: string; browserHashes?: string[]; clientId?: string },
): PendingLoginClaim {
  const claim = findPendingLogin(ctx, input);
  if (claim.ok) ctx.sql.exec("DELETE FROM pending_logins WHERE relay_state = ?", input.relayState);
  return claim;
}

/**
 * The pending login, under the same conditions as {@link consumePendingLogin}, left in
 * place: a hosted form (LDAP) shows it, and may be submitted again after a failure.
 */
export function findPendingLogin(
  ctx: OrgContext,
  input: { relayState: string; browserHashes?: string[]; clientId?: string },
): PendingLoginClaim {
  const row = one<PendingRow>(ctx.sql, "SELECT * FROM pending_logins WHERE relay_state = ?", input.relayState);
  if (!row || row.expires_at < ctx.now.getTime()) return { ok: false, reason: "unknown" };
  if (input.browserHashes && !input.browserHashes.includes(row.browser_hash))
    return { ok: false, reason: "browser_mismatch" };
  if (input.clientId !== undefined && input.clientId !== row.client_id) return { ok: false, reason: "client_mismatch" };
  return {
    ok: true,
    pending: {
      relayState: row.relay_state,
      requestId: row.request_id,
      connectionId: row.connection_id,
      clientId: row.client_id,
      redirectUri: row.redirect_uri,
      state: row.state,
      nonce: row.nonce,
      codeChallenge: row.code_challenge,
      scope: row.scope,
      loginHint: row.login_hint,
      browserHash: row.browser_hash,
      upstream: row.upstream ? (JSON.parse(row.upstream) as Record<string, string>) : null,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      ...(row.setup_test ? { setupTest: JSON.parse(row.setup_test) as SetupTestMark } : {}),
    },
  };
}

export interface CompleteLoginInput {
  connectionId: string;
  /** The SAML assertion to record in the replay cache until `expiresAt` (epoch ms). */
  assertion: { id: string; expiresAt: number } | null;
  identity: VerifiedIdentity;
  target: LoginTarget;
  codeHash: string;
  codeExpiresAt: number;
  /** The session the login opens (SPEC §9): its `sid`, SAML names and end (epoch ms). */
  session: { sid: string; saml: SamlSessionName | null; expiresAt: number };
  /**
   * SAML: SHA-256 (hex) of the configured IdP certificate that verified the assertion; a
   * login proved by a certificate not on its way out ends an IdP rotation (SPEC §9).
   */
  signingCertificateSha256?: string | undefined;
}

export type CompleteLoginResult = { ok: true; profile: Profile } | { ok: false; reason: LoginRefusal; detail: string };

/**
 * The authoritative end of a login, atomically: replay cache, org and connection state,
 * email domain, member lookup or JIT creation, the one-time code and the session. A refusal still
 * keeps the assertion ID, so a refused response cannot be replayed later either.
 */
function completeLogin(ctx: OrgContext, input: CompleteLoginInput): CompleteLoginResult {
  if (input.assertion) {
    const seen = one(
      ctx.sql,
      "SELECT assertion_id FROM assertion_replay WHERE assertion_id = ? AND expires_at >= ?",
      input.assertion.id,
      ctx.now.getTime(),
    );
    if (seen) return { ok: false, reason: "replayed", detail: `assertion ${input.assertion.id} was already used` };
    // REPLACE: an expired entry the sweep has not reclaimed yet is dead, as if swept.
    ctx.sql.exec(
      "INSERT OR REPLACE INTO assertion_replay VALUES (?, ?, ?)",
      input.assertion.id,
      input.connectionId,
      input.assertion.expiresAt,
    );
    sweepBy(ctx, input.assertion.expiresAt);
  }
  const org = requireOrganization(ctx);
  const row = one<ConnectionRow>(ctx.sql, "SELECT * FROM connections WHERE id = ?", input.connectionId);
  const connection = row ? rowToConnection(row, org.id) : null;
  const refusal = checkLoginAllowed(org, connection, input.identity);
  if (refusal) return refusal;
  const member = matchMember(ctx, org, connection!, input.identity);
  if (!member.ok) return member;
  const profile = toProfile(org, connection!, member.memberId, {
    ...input.identity,
    emailVerified: emailIsTrusted(org, input.identity),
    // SPEC §10: a SCIM-managed member's groups are its directory groups, not the assertion's.
    groups: member.scim ? groupNamesOf(ctx, member.memberId) : input.identity.groups,
  });
  ctx.sql.exec(
    `INSERT INTO auth_codes (code_hash, client_id, redirect_uri, code_challenge, nonce, scope, member_id, profile,
       expires_at, sid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    input.codeHash,
    input.target.clientId,
    input.target.redirectUri,
    input.target.codeChallenge,
    input.target.nonce,
    input.target.scope,
    member.memberId,
    JSON.stringify(profile),
    input.codeExpiresAt,
    input.session.sid,
  );
  sweepBy(ctx, input.codeExpiresAt);
  recordSession(ctx, {
    sid: input.session.sid,
    memberId: member.memberId,
    connectionId: connection!.id,
    clientId: input.target.clientId,
    saml: input.session.saml,
    createdAt: ctx.now.toISOString(),
    expiresAt: input.session.expiresAt,
  });
  recordEvent(ctx, org.id, "login.succeeded", member.memberId, {
    connectionId: connection!.id,
    clientId: input.target.clientId,
  });
  if (input.signingCertificateSha256) settleCertificateDrops(ctx, connection!.id, input.signingCertificateSha256);
  return { ok: true, profile };
}

function checkLoginAllowed(org: OrganizationRecord, connection: ConnectionRecord | null, identity: VerifiedIdentity) {
  const refuse = (reason: LoginRefusal, detail: string) => ({ ok: false as const, reason, detail });
  if (!org.ssoAllowed) return refuse("sso_not_allowed", "SSO is disallowed for the organization");
  if (!connection || connection.state !== "active")
    return refuse("connection_inactive", "the connection is not active");
  if (!identity.email) return refuse("missing_email", "the IdP asserted no email address");
  const domain = identity.email.slice(identity.email.lastIndexOf("@") + 1);
  if (!connection.settings.allowAnyEmailDomain && !org.domains.some((d) => d.verified && d.domain === domain)) {
    return refuse("email_domain_not_allowed", `${domain} is not a verified domain of the organization`);
  }
  return null;
}

function toProfile(
  org: OrganizationRecord,
  connection: ConnectionRecord,
  memberId: string,
  identity: VerifiedIdentity,
): Profile {
  return {
    id: memberId,
    organizationId: org.id,
    connectionId: connection.id,
    connectionType: connection.type,
    idpId: identity.subject,
    email: identity.email!.toLowerCase(),
    emailVerified: identity.emailVerified,
    firstName: identity.firstName,
    lastName: identity.lastName,
    groups: identity.groups,
    roles: identity.roles,
    rawAttributes: identity.rawAttributes,
  };
}

/** Records a refused login under its reference id (the browser sees only the id). */
function recordLoginFailure(
  ctx: OrgContext,
  input: { referenceId: string; reason: string; detail: string; outboundDetail?: string; connectionId: string | null },
): void {
  const org = requireOrganization(ctx);
  recordEvent(ctx, org.id, "login.failed", input.connectionId, {
    referenceId: input.referenceId,
    reason: input.reason,
    detail: input.detail,
    ...(input.outboundDetail === undefined ? {} : { outboundDetail: input.outboundDetail }),
  });
}

export const loginOps = {
  createPendingLogin,
  consumePendingLogin,
  completeLogin,
  recordLoginFailure,
};
