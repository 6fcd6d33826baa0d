import type { PatchOperation } from "./scim-engine";
import { parseFilter } from "./scim-engine";
import type { FilterNode } from "./filter-sql";
import { scimError } from "./scim-error";

/** A SCIM Group as the org's object writes it (RFC 7643 §4.2): members are user IDs. */
export interface ScimGroupWrite {
  displayName: string;
  externalId: string | null;
  memberIds: string[];
}

/**
 * One change of a group PATCH, in order. Membership changes are applied in SQL by the org's
 * object, never by loading a large group's members into memory.
 */
export type GroupStep =
  | { set: "displayName"; value: string }
  | { set: "externalId"; value: string | null }
  | { add: string[] }
  | { remove: string[] }
  | { clear: true };

const MAX_MEMBERS_PER_REQUEST = 10_000;

function key(object: Record<string, unknown>, name: string): unknown {
  const found = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return found === undefined ? undefined : object[found];
}

function displayName(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "" || value.length > 256)
    throw scimError(400, "displayName must be a string of 1 to 256 characters.", "invalidValue");
  return value.trim();
}

function externalId(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value.length > 256)
    throw scimError(400, "externalId must be a string of at most 256 characters.", "invalidValue");
  return value;
}

/** The user IDs of a `members` value: `[{value: "user_…"}, …]`. */
function memberIds(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MAX_MEMBERS_PER_REQUEST)
    throw scimError(400, `At most ${MAX_MEMBERS_PER_REQUEST} members per request.`, "tooMany");
  return list.map((m, i) => {
    const id = typeof m === "object" && m !== null ? key(m as Record<string, unknown>, "value") : undefined;
    if (typeof id !== "string" || id === "")
      throw scimError(400, `members[${i}].value must be a user id.`, "invalidValue");
    return id;
  });
}

/** Reads a Group body (POST, PUT). */
export function toGroupWrite(body: unknown): ScimGroupWrite {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw scimError(400, "The request body must be a JSON object.", "invalidSyntax");
  const b = body as Record<string, unknown>;
  return {
    displayName: displayName(key(b, "displayName")),
    externalId: externalId(key(b, "externalId")),
    memberIds: [...new Set(memberIds(key(b, "members")))],
  };
}

/** The user IDs a `members[value eq "…"]` path names (eq, or an `or` of eqs). */
function idsOfMemberFilter(filter: FilterNode): string[] {
  if (filter.op === "or") return filter.filters.flatMap(idsOfMemberFilter);
  if (filter.op === "eq" && filter.attrPath.toLowerCase() === "value" && typeof filter.compValue === "string")
    return [filter.compValue];
  throw scimError(400, 'A members filter may only name members by value (members[value eq "…"]).', "invalidFilter");
}

/** A value object of a path-less add/replace (Okta, Entra ID): `{displayName?, externalId?, members?}`. */
function stepsOfValueObject(op: string, value: unknown): GroupStep[] {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw scimError(400, `${op} with no path needs an object value.`, "invalidValue");
  const v = value as Record<string, unknown>;
  const steps: GroupStep[] = [];
  if (key(v, "displayName") !== undefined)
    steps.push({ set: "displayName", value: displayName(key(v, "displayName")) });
  if (key(v, "externalId") !== undefined) steps.push({ set: "externalId", value: externalId(key(v, "externalId")) });
  if (key(v, "members") !== undefined) {
    if (op === "replace") steps.push({ clear: true });
    steps.push({ add: memberIds(key(v, "members")) });
  }
  return steps;
}

/**
 * Group PATCH operations (RFC 7644 §3.5.2) as steps, including Entra ID's `Remove` of
 * `members` with a value list and Okta's `members[value eq "…"]` path and path-less replace.
 */
export function toGroupSteps(operations: PatchOperation[]): GroupStep[] {
  return operations.flatMap((o): GroupStep[] => {
    if (o.path === undefined) {
      if (o.op === "remove") throw scimError(400, "remove needs a path.", "noTarget");
      return stepsOfValueObject(o.op, o.value);
    }
    const path = o.path.trim();
    const lower = path.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:group:/, "");
    const filtered = /^members\[(.*)\]$/i.exec(path);
    if (filtered) {
      if (o.op !== "remove")
        throw scimError(400, `${o.op} on a filtered members path is not supported.`, "invalidPath");
      return [{ remove: idsOfMemberFilter(parseFilter(filtered[1]!)) }];
    }
    if (lower === "members") {
      if (o.op === "add") return [{ add: memberIds(o.value) }];
      if (o.op === "replace") return [{ clear: true }, { add: memberIds(o.value) }];
      return o.value === undefined ? [{ clear: true }] : [{ remove: memberIds(o.value) }];
    }
    if (lower === "displayname") {
      if (o.op === "remove") throw scimError(400, "displayName is required.", "mutability");
      return [{ set: "displayName", value: displayName(o.value) }];
    }
    if (lower === "externalid") return [{ set: "externalId", value: o.op === "remove" ? null : externalId(o.value) }];
    throw scimError(400, `The path ${path} names no attribute of a Group.`, "invalidPath");
  });
}
