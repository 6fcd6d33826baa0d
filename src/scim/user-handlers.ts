import { ApiError } from "../http/api-error";
import type { RouteContext } from "../http/route";
import { orgOp } from "../store/stores";
import { listResponse, readListQuery } from "./list-query";
import { readPatchOperations } from "./patch-request";
import { renderUser, writableUser } from "./render-user";
import { applyPatch } from "./scim-engine";
import { ifMatchVersion, readScimBody, resourceAnswer, scimCaller, scimJson } from "./scim-response";
import { toUserWrite } from "./user-write";
import { scimBaseUrl } from "./base-url";

type Ctx = RouteContext<undefined, undefined, { orgId: string; userId?: string }>;

/** The org's SCIM base URL of a request's route (scim/base-url.ts). */
export const scimBase = (ctx: { env: { PUBLIC_URL: string }; params: { orgId: string } }) =>
  scimBaseUrl(ctx.env.PUBLIC_URL, ctx.params.orgId);

/** GET /Users (RFC 7644 §3.4.2): a filtered page, counted and paged in SQL. */
export async function listUsers(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  const query = readListQuery(ctx.url);
  const page = await orgOp(ctx.env, caller.orgId, "scimListUsers", {
    tokenHash: caller.tokenHash,
    filter: query.filter,
    startIndex: query.startIndex,
    count: query.count,
  });
  const base = scimBase(ctx);
  return scimJson(listResponse(page, query, (r) => renderUser(r, base)));
}

/** GET /Users/{id}; 304 when If-None-Match names the current version. */
export async function getUser(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  const user = await orgOp(ctx.env, caller.orgId, "scimGetUser", {
    tokenHash: caller.tokenHash,
    id: ctx.params.userId!,
  });
  return resourceAnswer(ctx.request, ctx.url, user.version, () => renderUser(user, scimBase(ctx)));
}

/** POST /Users (RFC 7644 §3.3): 201 with Location and ETag. */
export async function createUser(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  const user = toUserWrite(await readScimBody(ctx.request));
  const created = await orgOp(ctx.env, caller.orgId, "scimCreateUser", { tokenHash: caller.tokenHash, user });
  const resource = renderUser(created, scimBase(ctx));
  return scimJson(resource, 201, {
    version: created.version,
    location: (resource.meta as { location: string }).location,
  });
}

/** PUT /Users/{id} (RFC 7644 §3.5.1): the resource replaced (Okta updates this way). */
export async function replaceUser(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  const expectedVersion = ifMatchVersion(ctx.request);
  const user = toUserWrite(await readScimBody(ctx.request));
  const replaced = await orgOp(ctx.env, caller.orgId, "scimReplaceUser", {
    tokenHash: caller.tokenHash,
    id: ctx.params.userId!,
    user,
    expectedVersion,
  });
  return scimJson(renderUser(replaced, scimBase(ctx)), 200, { version: replaced.version });
}

/** A concurrent write between reading a resource and writing its patched form: read again. */
const PATCH_ATTEMPTS = 3;

/**
 * PATCH /Users/{id} (RFC 7644 §3.5.2): the operations are applied here to the current
 * resource (the library stays out of the org's object), and the result is written only if
 * nothing changed it meanwhile (its version), else read and applied again.
 */
export async function patchUser(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  const ifMatch = ifMatchVersion(ctx.request);
  const operations = readPatchOperations(await readScimBody(ctx.request));
  const input = { tokenHash: caller.tokenHash, id: ctx.params.userId! };
  for (let attempt = 1; ; attempt++) {
    const current = await orgOp(ctx.env, caller.orgId, "scimGetUser", input);
    if (ifMatch !== null && ifMatch !== current.version) {
      throw new ApiError(412, "precondition_failed", `The resource changed: its version is W/"${current.version}".`);
    }
    const user = toUserWrite(applyPatch(writableUser(current), operations));
    try {
      const patched = await orgOp(ctx.env, caller.orgId, "scimReplaceUser", {
        ...input,
        user,
        expectedVersion: current.version,
      });
      return scimJson(renderUser(patched, scimBase(ctx)), 200, { version: patched.version });
    } catch (error) {
      const raced = error instanceof ApiError && error.status === 412 && ifMatch === null;
      if (!raced || attempt >= PATCH_ATTEMPTS) throw error;
    }
  }
}

/** DELETE /Users/{id} (RFC 7644 §3.6): 204; the member becomes a tombstone. */
export async function deleteUser(ctx: Ctx): Promise<Response> {
  const caller = await scimCaller(ctx.request, ctx.params.orgId);
  await orgOp(ctx.env, caller.orgId, "scimDeleteUser", {
    tokenHash: caller.tokenHash,
    id: ctx.params.userId!,
    expectedVersion: ifMatchVersion(ctx.request),
  });
  return new Response(null, { status: 204 });
}
