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
  created_at: string;
  updated_at: string;
};

const toMember = (r: MemberRow, organizationId: string): MemberRecord => ({
  id: r.id,
  organizationId,
  email: r.email,
  firstName: r.first_name,
  lastName: r.last_name,
  connectionId: r.connection_id,
  idpSubject: r.idp_subject,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function listMembers(ctx: OrgContext, input: PageRequest): Page<MemberRecord> {
  const org = requireOrganization(ctx);
  const rows = all<MemberRow>(
    ctx.sql,
    `SELECT * FROM members WHERE (?1 IS NULL OR (created_at, id) > (SELECT created_at, id FROM members WHERE id = ?1))
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
    "INSERT INTO members VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)",
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
  const row = one<MemberRow>(ctx.sql, "SELECT * FROM members WHERE id = ?", input.id);
  if (!row) throw notFound("User");
  return toMember(row, org.id);
}

function deleteMember(ctx: OrgContext, input: { id: string }): MemberRecord {
  const member = getMember(ctx, input);
  ctx.sql.exec("DELETE FROM members WHERE id = ?", member.id);
  recordEvent(ctx, member.organizationId, "user.deleted", member.id);
  return member;
}

function findMemberByEmail(ctx: OrgContext, input: { email: string }): MemberRecord | null {
  const org = requireOrganization(ctx);
  const row = one<MemberRow>(ctx.sql, "SELECT * FROM members WHERE email = ?", input.email);
  return row ? toMember(row, org.id) : null;
}

export const memberOps = { listMembers, createMember, getMember, deleteMember, findMemberByEmail };
