import { newId } from "../../lib/ids";
import { one } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import { rowToConnection, type ConnectionRow } from "./connection-rows";
import { requireOrganization } from "./organization-ops";
import type { AuthCode, LoginRefusal, LoginTarget, PendingLogin, Profile, VerifiedIdentity } from "./login-types";
import type { ConnectionRecord, OrganizationRecord } from "./types";

type PendingRow = {
  relay_state: string; request_id: string; connection_id: string; client_id: string; redirect_uri: string;
  state: string | null; nonce: string | null; code_challenge: string | null; scope: string; login_hint: string | null;
  browser_hash: string; upstream: string | null; created_at: string; expires_at: number;
};

function sweep(ctx: OrgContext): void {
  const now = ctx.now.getTime();
  for (const table of ["pending_logins", "auth_codes", "assertion_replay", "access_tokens"]) {
    ctx.sql.exec(`DELETE FROM ${table} WHERE expires_at < ?`, now);
  }
}

function createPendingLogin(ctx: OrgContext, p: PendingLogin): void {
  sweep(ctx);
  ctx.sql.exec(
    "INSERT INTO pending_logins VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    p.relayState, p.requestId, p.connectionId, p.clientId, p.redirectUri, p.state, p.nonce, p.codeChallenge,
    p.scope, p.loginHint, p.browserHash, p.upstream ? JSON.stringify(p.upstream) : null, p.createdAt, p.expiresAt,
  );
}

/** Takes the pending login out (exactly once); null when unknown, used or expired. */
function consumePendingLogin(ctx: OrgContext, input: { relayState: string }): PendingLogin | null {
  const row = one<PendingRow>(ctx.sql, "DELETE FROM pending_logins WHERE relay_state = ? RETURNING *", input.relayState);
  if (!row || row.expires_at < ctx.now.getTime()) return null;
  return {
    relayState: row.relay_state, requestId: row.request_id, connectionId: row.connection_id, clientId: row.client_id,
    redirectUri: row.redirect_uri, state: row.state, nonce: row.nonce, codeChallenge: row.code_challenge, scope: row.scope,
    loginHint: row.login_hint, browserHash: row.browser_hash,
    upstream: row.upstream ? (JSON.parse(row.upstream) as Record<string, string>) : null,
    createdAt: row.created_at, expiresAt: row.expires_at,
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
}

export type CompleteLoginResult = { ok: true; profile: Profile } | { ok: false; reason: LoginRefusal; detail: string };

/**
 * The authoritative end of a login, atomically: replay cache, org and connection state,
 * email domain, member lookup or JIT creation, and the one-time code. A refusal still
 * keeps the assertion ID, so a refused response cannot be replayed later either.
 */
function completeLogin(ctx: OrgContext, input: CompleteLoginInput): CompleteLoginResult {
  sweep(ctx);
  if (input.assertion) {
    const seen = one(ctx.sql, "SELECT assertion_id FROM assertion_replay WHERE assertion_id = ?", input.assertion.id);
    if (seen) return { ok: false, reason: "replayed", detail: `assertion ${input.assertion.id} was already used` };
    ctx.sql.exec("INSERT INTO assertion_replay VALUES (?, ?, ?)", input.assertion.id, input.connectionId, input.assertion.expiresAt);
  }
  const org = requireOrganization(ctx);
  const row = one<ConnectionRow>(ctx.sql, "SELECT * FROM connections WHERE id = ?", input.connectionId);
  const connection = row ? rowToConnection(row, org.id) : null;
  const refusal = checkLoginAllowed(org, connection, input.identity);
  if (refusal) return refusal;
  const member = findOrCreateMember(ctx, org, connection!, input.identity);
  if (!member) return { ok: false, reason: "not_a_member", detail: `${input.identity.email} is not a member and JIT provisioning is off` };
  const profile = toProfile(org, connection!, member.id, input.identity);
  ctx.sql.exec(
    "INSERT INTO auth_codes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    input.codeHash, input.target.clientId, input.target.redirectUri, input.target.codeChallenge, input.target.nonce,
    input.target.scope, member.id, JSON.stringify(profile), input.codeExpiresAt,
  );
  recordEvent(ctx, org.id, "login.succeeded", member.id, { connectionId: connection!.id, clientId: input.target.clientId });
  return { ok: true, profile };
}

function checkLoginAllowed(org: OrganizationRecord, connection: ConnectionRecord | null, identity: VerifiedIdentity) {
  const refuse = (reason: LoginRefusal, detail: string) => ({ ok: false as const, reason, detail });
  if (!org.ssoAllowed) return refuse("sso_not_allowed", "SSO is disallowed for the organization");
  if (!connection || connection.state !== "active") return refuse("connection_inactive", "the connection is not active");
  if (!identity.email) return refuse("missing_email", "the IdP asserted no email address");
  const settings = connection.settings as { allowAnyEmailDomain?: boolean };
  const domain = identity.email.slice(identity.email.lastIndexOf("@") + 1);
  if (!settings.allowAnyEmailDomain && !org.domains.some((d) => d.domain === domain)) {
    return refuse("email_domain_not_allowed", `${domain} is not a domain of the organization`);
  }
  return null;
}

type MemberRow = { id: string };

/** A returning user is matched by connection + IdP subject, a transient subject by email (SPEC §3). */
function findOrCreateMember(ctx: OrgContext, org: OrganizationRecord, connection: ConnectionRecord, identity: VerifiedIdentity): MemberRow | null {
  const now = ctx.now.toISOString();
  const email = identity.email!.toLowerCase();
  const bySubject = identity.subjectIsTransient ? null
    : one<MemberRow>(ctx.sql, "SELECT id FROM members WHERE connection_id = ? AND idp_subject = ?", connection.id, identity.subject);
  const member = bySubject ?? one<MemberRow>(ctx.sql, "SELECT id FROM members WHERE email = ?", email);
  if (member) {
    ctx.sql.exec(
      `UPDATE members SET first_name = COALESCE(?, first_name), last_name = COALESCE(?, last_name), updated_at = ?,
       connection_id = CASE WHEN ? THEN connection_id ELSE ? END, idp_subject = CASE WHEN ? THEN idp_subject ELSE ? END WHERE id = ?`,
      identity.firstName, identity.lastName, now, identity.subjectIsTransient ? 1 : 0, connection.id,
      identity.subjectIsTransient ? 1 : 0, identity.subject, member.id,
    );
    return member;
  }
  if (!org.jitProvisioning) return null;
  const id = newId("user");
  ctx.sql.exec(
    "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    id, email, identity.firstName, identity.lastName, connection.id, identity.subjectIsTransient ? null : identity.subject, now, now,
  );
  recordEvent(ctx, org.id, "user.created", id, { source: "jit", connectionId: connection.id });
  return { id };
}

function toProfile(org: OrganizationRecord, connection: ConnectionRecord, memberId: string, identity: VerifiedIdentity): Profile {
  return {
    id: memberId, organizationId: org.id, connectionId: connection.id, connectionType: connection.type,
    idpId: identity.subject, email: identity.email!.toLowerCase(), emailVerified: identity.emailVerified,
    firstName: identity.firstName, lastName: identity.lastName, groups: identity.groups, roles: identity.roles,
    rawAttributes: identity.rawAttributes,
  };
}

type CodeRow = {
  code_hash: string; client_id: string; redirect_uri: string; code_challenge: string | null; nonce: string | null;
  scope: string; member_id: string; profile: string; expires_at: number;
};

/** Takes a code out exactly once; null when unknown, used or expired. */
function consumeCode(ctx: OrgContext, input: { codeHash: string }): AuthCode | null {
  const row = one<CodeRow>(ctx.sql, "DELETE FROM auth_codes WHERE code_hash = ? RETURNING *", input.codeHash);
  if (!row || row.expires_at < ctx.now.getTime()) return null;
  return {
    clientId: row.client_id, redirectUri: row.redirect_uri, codeChallenge: row.code_challenge, nonce: row.nonce,
    state: null, scope: row.scope, memberId: row.member_id, profile: JSON.parse(row.profile) as Profile, expiresAt: row.expires_at,
  };
}

function createAccessToken(ctx: OrgContext, input: { tokenHash: string; clientId: string; memberId: string; scope: string; profile: Profile; expiresAt: number }): void {
  sweep(ctx);
  ctx.sql.exec("INSERT INTO access_tokens VALUES (?, ?, ?, ?, ?, ?)", input.tokenHash, input.clientId, input.memberId, input.scope, JSON.stringify(input.profile), input.expiresAt);
}

function findAccessToken(ctx: OrgContext, input: { tokenHash: string }): { clientId: string; scope: string; profile: Profile } | null {
  const row = one<{ client_id: string; scope: string; profile: string; expires_at: number }>(ctx.sql, "SELECT * FROM access_tokens WHERE token_hash = ?", input.tokenHash);
  if (!row || row.expires_at < ctx.now.getTime()) return null;
  return { clientId: row.client_id, scope: row.scope, profile: JSON.parse(row.profile) as Profile };
}

/** Records a refused login under its reference id (the browser sees only the id). */
function recordLoginFailure(ctx: OrgContext, input: { referenceId: string; reason: string; detail: string; connectionId: string | null }): void {
  const org = requireOrganization(ctx);
  recordEvent(ctx, org.id, "login.failed", input.connectionId, { referenceId: input.referenceId, reason: input.reason, detail: input.detail });
}

export const loginOps = {
  createPendingLogin, consumePendingLogin, completeLogin, consumeCode, createAccessToken, findAccessToken, recordLoginFailure,
};
