import { newId } from "../../lib/ids";
import { one } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import type { LoginRefusal, VerifiedIdentity } from "./login-types";
import type { ConnectionRecord, OrganizationRecord } from "./types";

type MemberRow = {
  id: string;
  connection_id: string | null;
  idp_subject: string | null;
  source: string;
  active: number;
  deleted_at: string | null;
};

/** `scim`: the member's groups are its SCIM groups (SPEC §10), not the IdP's assertion. */
export type MemberMatch =
  { ok: true; memberId: string; scim: boolean } | { ok: false; reason: LoginRefusal; detail: string };

/**
 * A deprovisioned member (SCIM `active: false`, or a SCIM DELETE's tombstone) is refused
 * whichever way a login matched it (SPEC §10); keeping the row is what stops JIT from
 * creating the person again.
 */
function refuseDeprovisioned(row: MemberRow): MemberMatch | null {
  if (row.active === 1 && row.deleted_at === null) return null;
  const how = row.deleted_at ? `deleted through SCIM at ${row.deleted_at}` : "deactivated through SCIM (active: false)";
  return { ok: false, reason: "member_deprovisioned", detail: `member ${row.id} was ${how}` };
}

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
    if (bySubject)
      return refuseDeprovisioned(bySubject) ?? update(ctx, bySubject, identity, connection.id, identity.subject);
  }
  const byEmail = one<MemberRow>(ctx.sql, "SELECT * FROM members WHERE email = ?", email);
  if (byEmail) {
    if (!trusted)
      return {
        ok: false,
        reason: "email_not_verified",
        detail: `${email} is not a verified email of an org domain; it cannot match member ${byEmail.id}`,
      };
    const deprovisioned = refuseDeprovisioned(byEmail);
    if (deprovisioned) return deprovisioned;
    if (identity.subjectIsTransient) return update(ctx, byEmail, identity, byEmail.connection_id, byEmail.idp_subject);
    if (byEmail.connection_id === connection.id && byEmail.idp_subject !== null) {
      return {
        ok: false,
        reason: "subject_mismatch",
        detail: `member ${byEmail.id} is bound to another subject of this connection`,
      };
    }
    return update(ctx, byEmail, identity, connection.id, identity.subject);
  }
  if (!org.jitProvisioning)
    return { ok: false, reason: "not_a_member", detail: `${email} is not a member and JIT provisioning is off` };
  const id = newId("user");
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    `INSERT INTO members (id, email, first_name, last_name, connection_id, idp_subject, created_at, updated_at, source)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'jit')`,
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
  return { ok: true, memberId: id, scim: false };
}

/**
 * A returning member's row follows the IdP's latest names, except a SCIM user's: its names
 * are the directory's (SCIM is their source), so only the binding is written.
 */
function update(
  ctx: OrgContext,
  member: MemberRow,
  identity: VerifiedIdentity,
  connectionId: string | null,
  subject: string | null,
): MemberMatch {
  const scim = member.source === "scim";
  ctx.sql.exec(
    `UPDATE members SET first_name = COALESCE(?, first_name), last_name = COALESCE(?, last_name),
     connection_id = ?, idp_subject = ?, updated_at = CASE WHEN source = 'scim' THEN updated_at ELSE ? END WHERE id = ?`,
    scim ? null : identity.firstName,
    scim ? null : identity.lastName,
    connectionId,
    subject,
    ctx.now.toISOString(),
    member.id,
  );
  return { ok: true, memberId: member.id, scim };
}
