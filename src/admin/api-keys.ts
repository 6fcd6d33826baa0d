import * as z from "zod/mini";
import { sha256Hex } from "../crypto/hash";
import { ApiError } from "../http/api-error";
import { paginationQuery, pageRequest } from "../http/pagination";
import { json } from "../http/problem";
import { route, type RouteContext } from "../http/route";
import { isOrgId, newId, randomToken } from "../lib/ids";
import { forgetApiKeys } from "../store/cache/app-records";
import { appOp, orgOp } from "../store/stores";
import { actorName } from "./auth";

const createApiKeyBody = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  scope: z
    .string()
    .check(z.regex(/^(admin|organization:org_[0-9a-z]{26})$/, 'must be "admin" or "organization:<orgId>"')),
});

/** Mints a key (`ssok_` + 256 random bits), stored only as its SHA-256 hash; shown once. */
async function createApiKey(ctx: RouteContext<z.infer<typeof createApiKeyBody>>) {
  const { env, body } = ctx;
  if (body.scope !== "admin") {
    const orgId = body.scope.slice("organization:".length);
    if (!isOrgId(orgId))
      throw new ApiError(400, "validation_failed", "Invalid organization id.", [
        { path: "scope", message: "invalid organization id" },
      ]);
    await orgOp(env, orgId, "getOrganization", undefined);
  }
  const key = `ssok_${randomToken(32)}`;
  const record = await appOp(
    env,
    "api-keys",
    "createApiKey",
    {
      id: newId("key"),
      name: body.name,
      scope: body.scope,
      keyHash: await sha256Hex(key),
      keyPrefix: key.slice(0, 9),
    },
    actorName(ctx.actor),
  );
  forgetApiKeys({});
  return json({ ...record, key }, 201);
}

const tag = "API keys";
export const apiKeyRoutes = [
  route({
    method: "POST",
    path: "/api/v1/api-keys",
    tag,
    access: "app",
    audience: "api",
    summary: "Mint an API key (app-wide or org-scoped); shown once",
    body: createApiKeyBody,
    success: { status: 201, description: "The key record and the key", schema: "ApiKeyWithKey" },
    handler: createApiKey,
  }),
  route({
    method: "GET",
    path: "/api/v1/api-keys",
    tag,
    access: "app",
    audience: "api",
    summary: "List API keys (never the keys)",
    query: paginationQuery,
    success: { status: 200, description: "A page of API keys", schema: "ApiKeyPage" },
    handler: async ({ env, query }: RouteContext<undefined, z.infer<typeof paginationQuery>>) =>
      json(await appOp(env, "api-keys", "listApiKeys", pageRequest(query))),
  }),
  route({
    method: "DELETE",
    path: "/api/v1/api-keys/:keyId",
    tag,
    access: "app",
    audience: "api",
    summary: "Revoke an API key",
    success: { status: 204, description: "Revoked" },
    handler: async (ctx) => {
      await appOp(ctx.env, "api-keys", "deleteApiKey", { id: ctx.params.keyId }, actorName(ctx.actor));
      // At once in this isolate; every other isolate within APP_RECORD_TTL_MS (SPEC §1).
      forgetApiKeys({ id: ctx.params.keyId });
      return new Response(null, { status: 204 });
    },
  }),
];
