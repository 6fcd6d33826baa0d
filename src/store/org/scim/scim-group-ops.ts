import { newId } from "../../../lib/ids";
import { filterToSql, type FilterColumns } from "../../../scim/filter-sql";
import type { GroupStep, ScimGroupWrite } from "../../../scim/group-write";
import { GROUP_SCHEMA } from "../../../scim/schema-ids";
import { scimError } from "../../../scim/scim-error";
import { all, one } from "../../sql";
import { recordEvent, type OrgContext } from "../context";
import { requireOrganization } from "../organization-ops";
import { checkVersion } from "./scim-membership";
import type { ScimListInput } from "./scim-user-ops";
import { requireScimToken } from "./scim-token-ops";

/** A SCIM Group as the org's object returns it; `members` is null when the request excluded it. */
export interface ScimGroupRecord {
  id: string;
  displayName: string;
  externalId: string | null;
  members: { value: string; display: string }[] | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

type GroupRow = {
  id: string;
  display_name: string;
  external_id: string | null;
  version: number;
  created_at: string;
  updated_at: string;
};

const GROUP_MEMBERS = { table: "scim_group_members", link: "scim_group_members.group_id = scim_groups.id" };

/** What a Groups filter may name. */
const GROUP_FILTER_COLUMNS: FilterColumns = {
  id: { sql: "scim_groups.id", kind: "string", caseExact: true },
  displayname: { sql: "scim_groups.display_name", kind: "string", caseExact: false },
  externalid: { sql: "scim_groups.external_id", kind: "string", caseExact: true },
  members: { sql: "scim_group_members.member_id", kind: "string", caseExact: true, multi: GROUP_MEMBERS },
  "members.value": { sql: "scim_group_members.member_id", kind: "string", caseExact: true, multi: GROUP_MEMBERS },
  "meta.created": { sql: "scim_groups.created_at", kind: "time", caseExact: true },
  "meta.lastmodified": { sql: "scim_groups.updated_at", kind: "time", caseExact: true },
};

function membersOf(ctx: OrgContext, groupId: string): { value: string; display: string }[] {
  return all<{ id: string; display: string }>(
    ctx.sql,
    `SELECT m.id, COALESCE(m.display_name, m.user_name, m.email) AS display FROM scim_group_members gm
     JOIN members m ON m.id = gm.member_id WHERE gm.group_id = ? ORDER BY m.created_at, m.id`,
    groupId,
  ).map((r) => ({ value: r.id, display: r.display }));
}

function toRecord(ctx: OrgContext, row: GroupRow, withMembers: boolean): ScimGroupRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    externalId: row.external_id,
    members: withMembers ? membersOf(ctx, row.id) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

function requireGroup(ctx: OrgContext, id: string): GroupRow {
  const row = one<GroupRow>(ctx.sql, "SELECT * FROM scim_groups WHERE id = ?", id);
  if (!row) throw scimError(404, `Group ${id} not found.`);
  return row;
}

function scimGetGroup(ctx: OrgContext, input: { tokenHash: string; id: string; withMembers: boolean }) {
  requireScimToken(ctx, input.tokenHash);
  return toRecord(ctx, requireGroup(ctx, input.id), input.withMembers);
}

function scimListGroups(ctx: OrgContext, input: ScimListInput & { withMembers: boolean }) {
  requireScimToken(ctx, input.tokenHash);
  const condition = input.filter ? filterToSql(input.filter, GROUP_FILTER_COLUMNS, [GROUP_SCHEMA]) : null;
  const where = condition?.where ?? "1";
  const params = condition?.params ?? [];
  const total = one<{ n: number }>(ctx.sql, `SELECT COUNT(*) AS n FROM scim_groups WHERE ${where}`, ...params)!.n;
  if (input.count === 0) return { totalResults: total, resources: [] as ScimGroupRecord[] };
  const rows = all<GroupRow>(
    ctx.sql,
    `SELECT * FROM scim_groups WHERE ${where} ORDER BY created_at, id LIMIT ${input.count} OFFSET ${input.startIndex - 1}`,
    ...params,
  );
  return { totalResults: total, resources: rows.map((r) => toRecord(ctx, r, input.withMembers)) };
}

/** 409 uniqueness when another group has the displayName (case-insensitively). */
function claimDisplayName(ctx: OrgContext, displayName: string, self: string | null): void {
  const holder = one<{ id: string }>(
    ctx.sql,
    "SELECT id FROM scim_groups WHERE display_name = ? COLLATE NOCASE",
    displayName,
  );
  if (holder && holder.id !== self) throw scimError(409, `A group named ${displayName} exists.`, "uniqueness");
}

/** 400 unless every ID is a live SCIM user of the org (a group holds users only; no nested groups). */
function requireUsers(ctx: OrgContext, ids: string[]): void {
  if (ids.length === 0) return;
  const known = all<{ id: string }>(
    ctx.sql,
    `SELECT id FROM members WHERE id IN (SELECT value FROM json_each(?)) AND source = 'scim' AND deleted_at IS NULL`,
    JSON.stringify(ids),
  );
  if (known.length === new Set(ids).size) return;
  const found = new Set(known.map((k) => k.id));
  const missing = ids.filter((id) => !found.has(id)).slice(0, 5);
  throw scimError(400, `No SCIM user has the id ${missing.join(", ")} (a group's members are users).`, "invalidValue");
}

/** Adds and removes members, one event per change; returns whether anything changed. */
function addMembers(ctx: OrgContext, orgId: string, groupId: string, ids: string[]): boolean {
  requireUsers(ctx, ids);
  let changed = false;
  for (const id of new Set(ids)) {
    if (ctx.sql.exec("INSERT OR IGNORE INTO scim_group_members VALUES (?, ?)", groupId, id).rowsWritten === 0) continue;
    recordEvent(ctx, orgId, "group.user_added", groupId, { groupId, userId: id });
    changed = true;
  }
  return changed;
}

function removeMembers(ctx: OrgContext, orgId: string, groupId: string, ids: string[] | "all"): boolean {
  const removed =
    ids === "all"
      ? ctx.sql.exec<{ member_id: string }>(
          "DELETE FROM scim_group_members WHERE group_id = ? RETURNING member_id",
          groupId,
        )
      : ctx.sql.exec<{ member_id: string }>(
          `DELETE FROM scim_group_members WHERE group_id = ? AND member_id IN (SELECT value FROM json_each(?))
           RETURNING member_id`,
          groupId,
          JSON.stringify(ids),
        );
  const rows = removed.toArray();
  for (const r of rows) recordEvent(ctx, orgId, "group.user_removed", groupId, { groupId, userId: r.member_id });
  return rows.length > 0;
}

function touch(ctx: OrgContext, groupId: string): void {
  ctx.sql.exec(
    "UPDATE scim_groups SET version = version + 1, updated_at = ? WHERE id = ?",
    ctx.now.toISOString(),
    groupId,
  );
}

function scimCreateGroup(ctx: OrgContext, input: { tokenHash: string; group: ScimGroupWrite }): ScimGroupRecord {
  requireScimToken(ctx, input.tokenHash);
  const org = requireOrganization(ctx);
  claimDisplayName(ctx, input.group.displayName, null);
  const id = newId("grp");
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    "INSERT INTO scim_groups (id, display_name, external_id, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)",
    id,
    input.group.displayName,
    input.group.externalId,
    now,
    now,
  );
  recordEvent(ctx, org.id, "group.created", id, { displayName: input.group.displayName });
  addMembers(ctx, org.id, id, input.group.memberIds);
  return toRecord(ctx, requireGroup(ctx, id), true);
}

/** Applies steps in order (PATCH), or the whole group (PUT as clear + add); one new version when anything changed. */
function applySteps(ctx: OrgContext, row: GroupRow, steps: GroupStep[]): void {
  const org = requireOrganization(ctx);
  let changed = false;
  const renamed: string[] = [];
  for (const step of steps) {
    if ("set" in step) {
      const column = step.set === "displayName" ? "display_name" : "external_id";
      const current = one<Record<string, string | null>>(
        ctx.sql,
        `SELECT ${column} AS v FROM scim_groups WHERE id = ?`,
        row.id,
      )!;
      if (current.v === step.value) continue;
      if (step.set === "displayName") claimDisplayName(ctx, step.value, row.id);
      ctx.sql.exec(`UPDATE scim_groups SET ${column} = ? WHERE id = ?`, step.value, row.id);
      renamed.push(step.set);
      changed = true;
    } else if ("add" in step) changed = addMembers(ctx, org.id, row.id, step.add) || changed;
    else if ("remove" in step) changed = removeMembers(ctx, org.id, row.id, step.remove) || changed;
    else changed = removeMembers(ctx, org.id, row.id, "all") || changed;
  }
  if (!changed) return;
  touch(ctx, row.id);
  if (renamed.length > 0) recordEvent(ctx, org.id, "group.updated", row.id, { changed: [...new Set(renamed)] });
}

function scimPatchGroup(
  ctx: OrgContext,
  input: { tokenHash: string; id: string; steps: GroupStep[]; expectedVersion: number | null; withMembers: boolean },
): ScimGroupRecord {
  requireScimToken(ctx, input.tokenHash);
  const row = requireGroup(ctx, input.id);
  checkVersion(row.version, input.expectedVersion);
  applySteps(ctx, row, input.steps);
  return toRecord(ctx, requireGroup(ctx, row.id), input.withMembers);
}

/** PUT (RFC 7644 §3.5.1): the members become exactly those given, in SQL (a diff, one event per change). */
function scimReplaceGroup(
  ctx: OrgContext,
  input: { tokenHash: string; id: string; group: ScimGroupWrite; expectedVersion: number | null },
): ScimGroupRecord {
  requireScimToken(ctx, input.tokenHash);
  const row = requireGroup(ctx, input.id);
  checkVersion(row.version, input.expectedVersion);
  requireUsers(ctx, input.group.memberIds);
  const leaving = all<{ member_id: string }>(
    ctx.sql,
    `SELECT member_id FROM scim_group_members WHERE group_id = ? AND member_id NOT IN (SELECT value FROM json_each(?))`,
    row.id,
    JSON.stringify(input.group.memberIds),
  ).map((r) => r.member_id);
  applySteps(ctx, row, [
    { set: "displayName", value: input.group.displayName },
    { set: "externalId", value: input.group.externalId },
    { remove: leaving },
    { add: input.group.memberIds },
  ]);
  return toRecord(ctx, requireGroup(ctx, row.id), true);
}

function scimDeleteGroup(
  ctx: OrgContext,
  input: { tokenHash: string; id: string; expectedVersion: number | null },
): void {
  requireScimToken(ctx, input.tokenHash);
  const org = requireOrganization(ctx);
  const row = requireGroup(ctx, input.id);
  checkVersion(row.version, input.expectedVersion);
  const members = ctx.sql.exec("DELETE FROM scim_group_members WHERE group_id = ?", row.id).rowsWritten;
  ctx.sql.exec("DELETE FROM scim_groups WHERE id = ?", row.id);
  recordEvent(ctx, org.id, "group.deleted", row.id, { displayName: row.display_name, members });
}

export const scimGroupOps = {
  scimGetGroup,
  scimListGroups,
  scimCreateGroup,
  scimPatchGroup,
  scimReplaceGroup,
  scimDeleteGroup,
};
