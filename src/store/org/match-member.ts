import { newId } from "../../lib/ids";
import { one } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import type { LoginRefusal, VerifiedIdentity } from "./login-types";
import type { ConnectionRecord, OrganizationRecord } from "./types";

type MemberRow = { id: string; connection_id: string | null; idp_subject: string | null };

export type MemberMatch = { ok: true; memberId: string } | { ok: false; reason: LoginRefusal; detail: string };

/**
 * Whether the asserted email can be trusted to name a person of this org: the IdP says it
 * is verified, and its domain is one of the org's verified domains. An email outside them
 * (a connection with `allowAnyEmailDomain`) or an unverified one never matches an existing
 * member and is never reported as verified.
 */
export function emailIsTrusted(org: OrganizationRecord, identity: VerifiedIdentity): boolean {
  const email = identity.email ?? "";
  const domain = email.slice(email.lastIndexOf("@") + 1);
  return identity.emailVerified && org.domains.some((d) => d.verified && d.domain === domain);
}

/**
 * The member a verified login belongs to (SPEC §3): a returning user by connection + IdP
 * subject; a transient subject by email. By email otherwise only when the email is trusted
 * and the member is not bound to another subject of this same connection (an IdP that
 * hands an address to a new person does not hand over the old person's account); a member
 * bound to another connection of the org moves to this one. Unknown users are created
 * when `jitProvisioning` is on.
 */
export function matchMember(
  ctx: OrgContext,
  org: OrganizationRecord,
  connection: ConnectionRecord,
  identity: VerifiedIdentity,
): MemberMatch {
  const email = identity.email!.toLowerCase();
  const trusted = emailIsTrusted(org, identity);
  if (!identity.subjectIsTransient) {
    const bySubject = one<MemberRow>(
      ctx.sql,
      "SELECT * FROM members WHERE connection_id = ? AND idp_subject = ?",
      connection.id,
      identity.subject,
    );
    if (bySubject) return update(ctx, bySubject.id, identity, connection.id, identity.subject);
  }
  const byEmail = one<MemberRow>(ctx.sql, "SELECT * FROM members WHERE email = ?", email);
  if (byEmail) {
    if (!trusted)
      return {
        ok: false,
        reason: "email_not_verified",
        detail: `${email} is not a verified email of an org domain; it cannot match member ${byEmail.id}`,
      };
    if (identity.subjectIsTransient)
      return update(ctx, byEmail.id, identity, byEmail.connection_id, byEmail.idp_subject);
    if (byEmail.connection_id === connection.id && byEmail.idp_subject !== null) {
      return {
        ok: false,
        reason: "subject_mismatch",
        detail: `member ${byEmail.id} is bound to another subject of this connection`,
      };
    }
    return update(ctx, byEmail.id, identity, connection.id, identity.subject);
  }
  if (!org.jitProvisioning)
    return { ok: false, reason: "not_a_member", detail: `${email} is not a member and JIT provisioning is off` };
  const id = newId("user");
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    id,
    email,
    identity.firstName,
    identity.lastName,
    connection.id,
    identity.subjectIsTransient ? null : identity.subject,
    now,
    now,
  );
  recordEvent(ctx, org.id, "user.created", id, { source: "jit", connectionId: connection.id });
  return { ok: true, memberId: id };
}

function update(
  ctx: OrgContext,
  id: string,
  identity: VerifiedIdentity,
  connectionId: string | null,
  subject: string | null,
): MemberMatch {
  ctx.sql.exec(
    `UPDATE members SET first_name = COALESCE(?, first_name), last_name = COALESCE(?, last_name),
     connection_id = ?, idp_subject = ?, updated_at = ? WHERE id = ?`,
    identity.firstName,
    identity.lastName,
    connectionId,
    subject,
    ctx.now.toISOString(),
    id,
  );
  return { ok: true, memberId: id };
}
