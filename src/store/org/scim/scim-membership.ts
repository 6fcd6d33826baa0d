import { scimError } from "../../../scim/scim-error";
import { all } from "../../sql";
import { recordEvent, type OrgContext } from "../context";

/** A group a user belongs to, as the User resource's read-only `groups` names it (RFC 7643 §4.1.2). */
export interface ScimGroupRef {
  id: string;
  displayName: string;
}

/**
 * RFC 7644 §3.14: a write with `If-Match` applies only to the version it names, else 412.
 * `null`: the client sent no If-Match.
 */
export function checkVersion(current: number, expected: number | null): void {
  if (expected !== null && expected !== current)
    throw scimError(412, `The resource changed: its version is W/"${current}", not W/"${expected}".`);
}

/** The groups of each of `memberIds` (a page of users), in one query. */
export function groupsOfMembers(ctx: OrgContext, memberIds: string[]): Map<string, ScimGroupRef[]> {
  const out = new Map<string, ScimGroupRef[]>();
  if (memberIds.length === 0) return out;
  const rows = all<{ member_id: string; id: string; display_name: string }>(
    ctx.sql,
    `SELECT gm.member_id, g.id, g.display_name FROM scim_group_members gm JOIN scim_groups g ON g.id = gm.group_id
     WHERE gm.member_id IN (SELECT value FROM json_each(?)) ORDER BY g.display_name`,
    JSON.stringify(memberIds),
  );
  for (const r of rows) {
    const list = out.get(r.member_id) ?? [];
    list.push({ id: r.id, displayName: r.display_name });
    out.set(r.member_id, list);
  }
  return out;
}

/** Takes a deleted user out of every group: each group changes (new version), each removal is an event. */
export function removeFromAllGroups(ctx: OrgContext, organizationId: string, memberId: string): void {
  const groups = ctx.sql
    .exec<{ group_id: string }>("DELETE FROM scim_group_members WHERE member_id = ? RETURNING group_id", memberId)
    .toArray();
  for (const { group_id } of groups) {
    ctx.sql.exec(
      "UPDATE scim_groups SET version = version + 1, updated_at = ? WHERE id = ?",
      ctx.now.toISOString(),
      group_id,
    );
    recordEvent(ctx, organizationId, "group.user_removed", group_id, { groupId: group_id, userId: memberId });
  }
}

/** The display names of a member's SCIM groups: the profile's and ID token's `groups` (SPEC §10). */
export function groupNamesOf(ctx: OrgContext, memberId: string): string[] {
  return all<{ display_name: string }>(
    ctx.sql,
    `SELECT g.display_name FROM scim_group_members gm JOIN scim_groups g ON g.id = gm.group_id
     WHERE gm.member_id = ? ORDER BY g.display_name`,
    memberId,
  ).map((r) => r.display_name);
}
