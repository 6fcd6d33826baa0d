import * as z from "zod/mini";
import { sha256Hex } from "../crypto/hash";
import { paginationQuery, pageRequest } from "../http/pagination";
import { json } from "../http/problem";
import { route, type RouteContext } from "../http/route";
import { newId, randomToken } from "../lib/ids";
import { orgOp } from "../store/stores";
import { actorName } from "./auth";

const TOKENS = "/api/v1/organizations/:orgId/scim-tokens";

const createScimTokenBody = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(200)),
});

/**
 * A new SCIM bearer token (SPEC §10): `scim_` + 256 random bits, its record's ID, and the
 * SHA-256 hash that is all the org's object keeps; the token is shown once. The admin API and
 * the setup portal's SCIM step both mint with it.
 */
export async function newScimToken(): Promise<{ id: string; token: string; tokenHash: string }> {
  const token = `scim_${randomToken(32)}`;
  return { id: newId("scimtok"), token, tokenHash: await sha256Hex(token) };
}

/** POST …/scim-tokens: a token of the org; it works only on `/scim/v2/{orgId}` of this org. */
async function createScimToken(ctx: RouteContext<z.infer<typeof createScimTokenBody>, undefined, { orgId: string }>) {
  const { id, token, tokenHash } = await newScimToken();
  const record = await orgOp(
    ctx.env,
    ctx.params.orgId,
    "createScimToken",
    { id, name: ctx.body.name, tokenHash },
    actorName(ctx.actor),
  );
  return json({ ...record, token }, 201);
}

const tag = "SCIM tokens";
export const scimTokenRoutes = [
  route({
    method: "POST",
    path: TOKENS,
    tag,
    access: "org",
    audience: "api",
    summary: "Mint a SCIM token for the org's directory sync; shown once",
    body: createScimTokenBody,
    success: { status: 201, description: "The token's record and the token", schema: "ScimTokenWithToken" },
    handler: createScimToken,
  }),
  route({
    method: "GET",
    path: TOKENS,
    tag,
    access: "org",
    audience: "api",
    summary: "List the org's SCIM tokens (never the tokens)",
    query: paginationQuery,
    success: { status: 200, description: "A page of SCIM tokens", schema: "ScimTokenPage" },
    handler: async (ctx: RouteContext<undefined, z.infer<typeof paginationQuery>, { orgId: string }>) =>
      json(await orgOp(ctx.env, ctx.params.orgId, "listScimTokens", pageRequest(ctx.query))),
  }),
  route({
    method: "GET",
    path: `${TOKENS}/:tokenId`,
    tag,
    access: "org",
    audience: "api",
    summary: "Get a SCIM token's record",
    success: { status: 200, description: "The SCIM token (never the token)", schema: "ScimToken" },
    handler: async (ctx) => json(await orgOp(ctx.env, ctx.params.orgId, "getScimToken", { id: ctx.params.tokenId })),
  }),
  route({
    method: "DELETE",
    path: `${TOKENS}/:tokenId`,
    tag,
    access: "org",
    audience: "api",
    summary: "Revoke a SCIM token (at once)",
    success: { status: 204, description: "Revoked" },
    handler: async (ctx) => {
      await orgOp(ctx.env, ctx.params.orgId, "deleteScimToken", { id: ctx.params.tokenId }, actorName(ctx.actor));
      return new Response(null, { status: 204 });
    },
  }),
];
