import { conflict, notFound } from "../../http/api-error";
import { newId } from "../../lib/ids";
import { all, one, toPage, type Page, type PageRequest } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import { requireOrganization } from "./organization-ops";
import type { MemberRecord } from "./types";

type MemberRow = {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  connection_id: string | null;
  idp_subject: string | null;
  source: string;
  external_id: string | null;
  active: number;
  deleted_at: string | null;
  /** JSON array of the member's SCIM group names (MEMBER_COLUMNS). */
  groups: string;
  created_at: string;
  updated_at: string;
};

/** A member row with its SCIM groups' names (SPEC §10: the admin API shows them). */
const MEMBER_COLUMNS = `members.*, (SELECT json_group_array(g.display_name) FROM scim_group_members gm
  JOIN scim_groups g ON g.id = gm.group_id WHERE gm.member_id = members.id) AS groups`;

const toMember = (r: MemberRow, organizationId: string): MemberRecord => ({
  id: r.id,
  organizationId,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  connectionId: r.connection_id,
  idpSubject: r.idp_subject,
  source: r.source as MemberRecord["source"],
  externalId: r.external_id,
  active: r.active === 1 && r.deleted_at === null,
  deprovisionedAt: r.deleted_at,
  groups: JSON.parse(r.groups) as string[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function listMembers(ctx: OrgContext, input: PageRequest): Page<MemberRecord> {
  const org = requireOrganization(ctx);
  const rows = all<MemberRow>(
    ctx.sql,
    `SELECT ${MEMBER_COLUMNS} FROM members WHERE (?1 IS NULL OR (created_at, id) > (SELECT created_at, id FROM members WHERE id = ?1))
     ORDER BY created_at, id LIMIT ?2`,
    input.after ?? null,
    input.limit + 1,
  );
  return toPage(
    rows.map((r) => toMember(r, org.id)),
    input.limit,
    (m) => m.id,
  );
}

export interface NewMember {
  email: string;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

function createMember(ctx: OrgContext, input: NewMember): MemberRecord {
  const org = requireOrganization(ctx);
  if (one(ctx.sql, "SELECT id FROM members WHERE email = ?", input.email))
    throw conflict(`A member with email ${input.email} exists.`);
  const now = ctx.now.toISOString();
  const id = newId("user");
  ctx.sql.exec(
    "INSERT INTO members (id, email, first_name, last_name, created_at, updated_at, source) VALUES (?, ?, ?, ?, ?, ?, 'admin')",
    id,
    input.email,
    input.firstName ?? null,
    input.lastName ?? null,
    now,
    now,
  );
  recordEvent(ctx, org.id, "user.created", id, { source: "admin" });
  return getMember(ctx, { id });
}

function getMember(ctx: OrgContext, input: { id: string }): MemberRecord {
  const org = requireOrganization(ctx);
  const row = one<MemberRow>(ctx.sql, `SELECT ${MEMBER_COLUMNS} FROM members WHERE id = ?`, input.id);
  if (!row) throw notFound("User");
  return toMember(row, org.id);
}

/** Removes a member the admin API manages; a SCIM-managed one is the IdP's to remove (SPEC §10: 409). */
function deleteMember(ctx: OrgContext, input: { id: string }): MemberRecord {
  const member = getMember(ctx, input);
  if (member.source === "scim")
    throw conflict(`Member ${member.id} is managed by directory sync (SCIM); deprovision it in the identity provider.`);
  ctx.sql.exec("DELETE FROM members WHERE id = ?", member.id);
  ctx.sql.exec("DELETE FROM member_emails WHERE member_id = ?", member.id);
  recordEvent(ctx, member.organizationId, "user.deleted", member.id);
  return member;
}

function findMemberByEmail(ctx: OrgContext, input: { email: string }): MemberRecord | null {
  const org = requireOrganization(ctx);
  const row = one<MemberRow>(ctx.sql, `SELECT ${MEMBER_COLUMNS} FROM members WHERE email = ?`, input.email);
  return row ? toMember(row, org.id) : null;
}

export const memberOps = { listMembers, createMember, getMember, deleteMember, findMemberByEmail };
