import { changedFields } from "../../../lib/changed-fields";
import { newId } from "../../../lib/ids";
import { filterToSql, type FilterColumns, type FilterNode } from "../../../scim/filter-sql";
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from "../../../scim/schema-ids";
import { scimError } from "../../../scim/scim-error";
import type { ScimUserWrite } from "../../../scim/user-write";
import { all, one } from "../../sql";
import { recordEvent, type OrgContext } from "../context";
import { requireOrganization } from "../organization-ops";
import { revokeMemberAccess } from "./revoke-member-access";
import { requireScimToken } from "./scim-token-ops";
import { checkVersion, groupsOfMembers, removeFromAllGroups, type ScimGroupRef } from "./scim-membership";

/** A SCIM User as the org's object returns it; scim/render-user.ts makes the resource. */
export interface ScimUserRecord {
  id: string;
  active: boolean;
  attributes: Record<string, unknown>;
  groups: ScimGroupRef[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type MemberRow = {
  id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  source: string;
  user_name: string | null;
  external_id: string | null;
  display_name: string | null;
  active: number;
  deleted_at: string | null;
  scim_attributes: string | null;
  version: number;
  created_at: string;
  updated_at: string;
};

/** The members SCIM shows: those it manages, tombstones (deleted through SCIM) excluded. */
const SCIM_USERS = "members.source = 'scim' AND members.deleted_at IS NULL";

const isLiveScim = (row: MemberRow | null): boolean => row !== null && row.source === "scim" && row.deleted_at === null;

const EMAILS = { table: "member_emails", link: "member_emails.member_id = members.id" };

/** What a Users filter may name (SPEC §10, RFC 7643 §4.1 caseExact). */
const USER_FILTER_COLUMNS: FilterColumns = {
  id: { sql: "members.id", kind: "string", caseExact: true },
  username: { sql: "members.user_name", kind: "string", caseExact: false },
  externalid: { sql: "members.external_id", kind: "string", caseExact: true },
  displayname: { sql: "members.display_name", kind: "string", caseExact: false },
  active: { sql: "members.active", kind: "boolean", caseExact: true },
  "name.givenname": { sql: "members.first_name", kind: "string", caseExact: false },
  "name.familyname": { sql: "members.last_name", kind: "string", caseExact: false },
  emails: { sql: "member_emails.value", kind: "string", caseExact: false, multi: EMAILS },
  "emails.value": { sql: "member_emails.value", kind: "string", caseExact: false, multi: EMAILS },
  "meta.created": { sql: "members.created_at", kind: "time", caseExact: true },
  "meta.lastmodified": { sql: "members.updated_at", kind: "time", caseExact: true },
};

function toRecord(row: MemberRow, groups: ScimGroupRef[]): ScimUserRecord {
  return {
    id: row.id,
    active: row.active === 1,
    attributes: JSON.parse(row.scim_attributes ?? "{}") as Record<string, unknown>,
    groups,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

function requireUser(ctx: OrgContext, id: string): MemberRow {
  const row = one<MemberRow>(ctx.sql, "SELECT * FROM members WHERE id = ?", id);
  if (!row || !isLiveScim(row)) throw scimError(404, `User ${id} not found.`);
  return row;
}

function readUser(ctx: OrgContext, id: string): ScimUserRecord {
  const row = requireUser(ctx, id);
  return toRecord(row, groupsOfMembers(ctx, [row.id]).get(row.id) ?? []);
}

function scimGetUser(ctx: OrgContext, input: { tokenHash: string; id: string }): ScimUserRecord {
  requireScimToken(ctx, input.tokenHash);
  return readUser(ctx, input.id);
}

export interface ScimListInput {
  tokenHash: string;
  filter: FilterNode | null;
  /** 1-based (RFC 7644 §3.4.2.4). */
  startIndex: number;
  count: number;
}

/** A page of a filtered list, as SQL: COUNT for totalResults, then one ordered page. */
function scimListUsers(ctx: OrgContext, input: ScimListInput): { totalResults: number; resources: ScimUserRecord[] } {
  requireScimToken(ctx, input.tokenHash);
  const condition = input.filter
    ? filterToSql(input.filter, USER_FILTER_COLUMNS, [USER_SCHEMA, ENTERPRISE_USER_SCHEMA])
    : null;
  const where = condition ? `${SCIM_USERS} AND ${condition.where}` : SCIM_USERS;
  const params = condition?.params ?? [];
  const total = one<{ n: number }>(ctx.sql, `SELECT COUNT(*) AS n FROM members WHERE ${where}`, ...params)!.n;
  if (input.count === 0) return { totalResults: total, resources: [] };
  const rows = all<MemberRow>(
    ctx.sql,
    `SELECT * FROM members WHERE ${where} ORDER BY created_at, id LIMIT ${input.count} OFFSET ${input.startIndex - 1}`,
    ...params,
  );
  const groups = groupsOfMembers(
    ctx,
    rows.map((r) => r.id),
  );
  return { totalResults: total, resources: rows.map((r) => toRecord(r, groups.get(r.id) ?? [])) };
}

/** Writes a user's columns, stored resource and email index; bumps the version. */
function writeUser(ctx: OrgContext, id: string, user: ScimUserWrite, version: number): void {
  ctx.sql.exec(
    `UPDATE members SET email = ?, first_name = ?, last_name = ?, source = 'scim', user_name = ?, external_id = ?,
     display_name = ?, active = ?, deleted_at = NULL, scim_attributes = ?, version = ?, updated_at = ? WHERE id = ?`,
    user.email,
    user.givenName,
    user.familyName,
    user.userName,
    user.externalId,
    user.displayName,
    user.active ? 1 : 0,
    JSON.stringify(user.attributes),
    version,
    ctx.now.toISOString(),
    id,
  );
  ctx.sql.exec("DELETE FROM member_emails WHERE member_id = ?", id);
  for (const value of user.emails) ctx.sql.exec("INSERT OR IGNORE INTO member_emails VALUES (?, ?)", id, value);
}

/** 409 uniqueness when another live SCIM user holds the userName; a tombstone gives it up. */
function claimUserName(ctx: OrgContext, userName: string, self: string | null): void {
  const holder = one<MemberRow>(ctx.sql, "SELECT * FROM members WHERE user_name = ? COLLATE NOCASE", userName);
  if (!holder || holder.id === self) return;
  if (isLiveScim(holder)) throw scimError(409, `userName ${userName} is taken.`, "uniqueness");
  ctx.sql.exec("UPDATE members SET user_name = NULL WHERE id = ?", holder.id);
}

/**
 * SCIM create (RFC 7644 §3.3). A member with the same email is adopted (SPEC §10: Okta's
 * first push meets existing members), a tombstone with it restored; a live SCIM user with
 * the userName or email is 409 uniqueness.
 */
function scimCreateUser(ctx: OrgContext, input: { tokenHash: string; user: ScimUserWrite }): ScimUserRecord {
  requireScimToken(ctx, input.tokenHash);
  const org = requireOrganization(ctx);
  const { user } = input;
  const byEmail = one<MemberRow>(ctx.sql, "SELECT * FROM members WHERE email = ?", user.email);
  if (isLiveScim(byEmail)) throw scimError(409, `A user with email ${user.email} exists.`, "uniqueness");
  const byUserName = one<MemberRow>(ctx.sql, "SELECT * FROM members WHERE user_name = ? COLLATE NOCASE", user.userName);
  if (isLiveScim(byUserName)) throw scimError(409, `userName ${user.userName} is taken.`, "uniqueness");
  const target = byEmail ?? byUserName;
  claimUserName(ctx, user.userName, target?.id ?? null);
  let id: string;
  if (!target) {
    id = newId("user");
    const now = ctx.now.toISOString();
    ctx.sql.exec(
      "INSERT INTO members (id, email, created_at, updated_at, source) VALUES (?, ?, ?, ?, 'scim')",
      id,
      user.email,
      now,
      now,
    );
    writeUser(ctx, id, user, 1);
    recordEvent(ctx, org.id, "user.created", id, { source: "scim" });
  } else {
    id = target.id;
    writeUser(ctx, id, user, target.version + 1);
    if (target.deleted_at !== null) recordEvent(ctx, org.id, "user.created", id, { source: "scim", restored: true });
    else recordEvent(ctx, org.id, "user.updated", id, { source: "scim", adopted: true, previousSource: target.source });
  }
  if (!user.active) deactivate(ctx, org.id, id, "created_inactive");
  return readUser(ctx, id);
}

/**
 * PUT, and PATCH once applied (RFC 7644 §3.5): the resource replaced. `expectedVersion`
 * (If-Match, or the version a PATCH was applied to) must be current, else 412. A write that
 * changes nothing keeps the version and records nothing.
 */
function scimReplaceUser(
  ctx: OrgContext,
  input: { tokenHash: string; id: string; user: ScimUserWrite; expectedVersion: number | null },
): ScimUserRecord {
  requireScimToken(ctx, input.tokenHash);
  const org = requireOrganization(ctx);
  const row = requireUser(ctx, input.id);
  checkVersion(row.version, input.expectedVersion);
  const { user } = input;
  const before = JSON.parse(row.scim_attributes ?? "{}") as Record<string, unknown>;
  const changed = changedFields({ ...before, active: row.active === 1 }, { ...user.attributes, active: user.active });
  if (changed.length === 0) return readUser(ctx, row.id);
  claimUserName(ctx, user.userName, row.id);
  const byEmail = one<{ id: string }>(
    ctx.sql,
    "SELECT id FROM members WHERE email = ? AND id <> ?",
    user.email,
    row.id,
  );
  if (byEmail) throw scimError(409, `Another member has the email ${user.email}.`, "uniqueness");
  writeUser(ctx, row.id, user, row.version + 1);
  recordEvent(ctx, org.id, "user.updated", row.id, { source: "scim", changed });
  if (row.active === 1 && !user.active) deactivate(ctx, org.id, row.id, "active_false");
  return readUser(ctx, row.id);
}

/** `active: false` (SPEC §10): logins stop at once; the member stays, and is refused at login. */
function deactivate(ctx: OrgContext, organizationId: string, memberId: string, reason: string): void {
  recordEvent(ctx, organizationId, "user.deactivated", memberId, { reason, ...revokeMemberAccess(ctx, memberId) });
}

/**
 * SCIM DELETE (RFC 7644 §3.6): the member becomes a tombstone — gone from SCIM (404 from
 * now on), out of its groups, its codes and tokens revoked, and kept so that a login that
 * matches it is refused (`member_deprovisioned`) and JIT never recreates it (SPEC §10).
 */
function scimDeleteUser(
  ctx: OrgContext,
  input: { tokenHash: string; id: string; expectedVersion: number | null },
): void {
  requireScimToken(ctx, input.tokenHash);
  const org = requireOrganization(ctx);
  const row = requireUser(ctx, input.id);
  checkVersion(row.version, input.expectedVersion);
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    "UPDATE members SET active = 0, deleted_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
    now,
    now,
    row.id,
  );
  ctx.sql.exec("DELETE FROM member_emails WHERE member_id = ?", row.id);
  removeFromAllGroups(ctx, org.id, row.id);
  recordEvent(ctx, org.id, "user.deleted", row.id, { source: "scim", ...revokeMemberAccess(ctx, row.id) });
}

export const scimUserOps = { scimGetUser, scimListUsers, scimCreateUser, scimReplaceUser, scimDeleteUser };
