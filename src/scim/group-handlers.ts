import type { RouteContext } from "../http/route";
import type { ScimGroupRecord } from "../store/org/scim/scim-group-ops";
import { orgOp } from "../store/stores";
import { toGroupSteps, toGroupWrite } from "./group-write";
import { attributeList, listResponse, readListQuery } from "./list-query";
import { readPatchOperations } from "./patch-request";
import { GROUP_SCHEMA } from "./schema-ids";
import { etagOf, ifMatchVersion, readScimBody, resourceAnswer, scimCaller, scimJson } from "./scim-response";
import { scimBase } from "./user-handlers";

type Ctx = RouteContext<undefined, undefined, { orgId: string; groupId?: string }>;

/** The SCIM Group resource of a record (RFC 7643 §4.2). */
function renderGroup(record: ScimGroupRecord, base: string): Record<string, unknown> {
  return {
    schemas: [GROUP_SCHEMA],
    id: record.id,
    displayName: record.displayName,
    ...(record.externalId !== null ? { externalId: record.externalId } : {}),
    ...(record.members !== null
      ? { members: record.members.map((m) => ({ ...m, $ref: `${base}/Users/${m.value}`, type: "User" })) }
      : {}),
    meta: {
      resourceType: "Group",
      created: record.createdAt,
      lastModified: record.updatedAt,
      location: `${base}/Groups/${record.id}`,
      version: etagOf(record.version),
    },
  };
}

/** Whether the answer carries `members` (Entra ID asks `excludedAttributes=members`: then they are not even read). */
function wantsMembers(url: URL): boolean {
  const excluded = attributeList(url, "excludedAttributes").map((a) => a.toLowerCase());
  const selected = attributeList(url, "attributes").map((a) => a.toLowerCase());
  if (excluded.some((a) => a === "members" || a.endsWith(":members"))) return false;
  return selected.length === 0 || selected.some((a) => a.split(".")[0] === "members" || a.endsWith(":members"));
}

export async function listGroups(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  const query = readListQuery(ctx.url);
  const page = await orgOp(ctx.env, caller.orgId, "scimListGroups", {
    tokenHash: caller.tokenHash,
    filter: query.filter,
    startIndex: query.startIndex,
    count: query.count,
    withMembers: wantsMembers(ctx.url),
  });
  const base = scimBase(ctx);
  return scimJson(listResponse(page, query, (g) => renderGroup(g, base)));
}

export async function getGroup(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  const group = await orgOp(ctx.env, caller.orgId, "scimGetGroup", {
    tokenHash: caller.tokenHash,
    id: ctx.params.groupId!,
    withMembers: wantsMembers(ctx.url),
  });
  return resourceAnswer(ctx.request, ctx.url, group.version, () => renderGroup(group, scimBase(ctx)));
}

export async function createGroup(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  const group = toGroupWrite(await readScimBody(ctx.request));
  const created = await orgOp(ctx.env, caller.orgId, "scimCreateGroup", { tokenHash: caller.tokenHash, group });
  const resource = renderGroup(created, scimBase(ctx));
  return scimJson(resource, 201, { version: created.version, location: `${scimBase(ctx)}/Groups/${created.id}` });
}

export async function replaceGroup(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  const expectedVersion = ifMatchVersion(ctx.request);
  const group = toGroupWrite(await readScimBody(ctx.request));
  const replaced = await orgOp(ctx.env, caller.orgId, "scimReplaceGroup", {
    tokenHash: caller.tokenHash,
    id: ctx.params.groupId!,
    group,
    expectedVersion,
  });
  return scimJson(renderGroup(replaced, scimBase(ctx)), 200, { version: replaced.version });
}

/** PATCH /Groups/{id}: applied in the org's object as SQL steps (membership of any size). */
export async function patchGroup(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  const expectedVersion = ifMatchVersion(ctx.request);
  const steps = toGroupSteps(readPatchOperations(await readScimBody(ctx.request)));
  const patched = await orgOp(ctx.env, caller.orgId, "scimPatchGroup", {
    tokenHash: caller.tokenHash,
    id: ctx.params.groupId!,
    steps,
    expectedVersion,
    withMembers: wantsMembers(ctx.url),
  });
  return scimJson(renderGroup(patched, scimBase(ctx)), 200, { version: patched.version });
}

export async function deleteGroup(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  await orgOp(ctx.env, caller.orgId, "scimDeleteGroup", {
    tokenHash: caller.tokenHash,
    id: ctx.params.groupId!,
    expectedVersion: ifMatchVersion(ctx.request),
  });
  return new Response(null, { status: 204 });
}
