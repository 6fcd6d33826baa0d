import * as z from "zod/mini";
import { sha256Hex } from "../crypto/hash";
import { json } from "../http/problem";
import { paginationQuery, pageRequest } from "../http/pagination";
import { route, type RouteContext } from "../http/route";
import { newId, newOrgToken, randomToken } from "../lib/ids";
import { orgOp } from "../store/stores";
import { actorName } from "./auth";

const LINKS = "/api/v1/organizations/:orgId/setup-links";

/** One minute to 30 days; a day by default (SPEC §2 `setup-links`). */
export const SETUP_LINK_LIFETIME = { min: 60, max: 2_592_000, default: 86_400 } as const;

const createSetupLinkBody = z.strictObject({
  expiresInSeconds: z.optional(
    z
      .int()
      .check(
        z.minimum(SETUP_LINK_LIFETIME.min, "must be at least 60 seconds"),
        z.maximum(SETUP_LINK_LIFETIME.max, "must be at most 2592000 seconds (30 days)"),
      ),
  ),
  connectionType: z.optional(z.enum(["saml", "oidc", "ldap"])),
  /** The portal then offers the SCIM step: a SCIM token for the org, its base URL and a guide (SPEC §2, §10). */
  scim: z.optional(z.boolean()),
});

const setupLinkView = z.object({
  id: z.string(),
  status: z.enum(["active", "expired", "revoked", "used"]),
  connectionType: z.nullable(z.enum(["saml", "oidc", "ldap"])),
  connectionId: z.nullable(z.string()),
  scim: z.boolean(),
  expiresAt: z.string(),
  createdAt: z.string(),
  revokedAt: z.optional(z.string()),
  usedAt: z.optional(z.string()),
});

/** The portal URL of a token: `{PUBLIC_URL}/setup/{token}`. */
export function setupUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/setup/${token}`;
}

/**
 * POST …/setup-links: a random token (256 bits) that embeds the org's ID, so the portal
 * finds the org's object with no lookup (SPEC §1); only its SHA-256 is stored. The URL is
 * shown once, in this answer.
 */
async function createSetupLink(
  ctx: RouteContext<z.infer<typeof createSetupLinkBody>, undefined, { orgId: string }>,
): Promise<Response> {
  const { env, body, params } = ctx;
  const token = newOrgToken(params.orgId);
  const lifetime = body.expiresInSeconds ?? SETUP_LINK_LIFETIME.default;
  const link = await orgOp(
    env,
    params.orgId,
    "createSetupLink",
    {
      id: newId("sl"),
      tokenHash: await sha256Hex(token),
      csrfToken: randomToken(),
      connectionType: body.connectionType ?? null,
      scim: body.scim ?? false,
      expiresAt: Date.now() + lifetime * 1000,
    },
    actorName(ctx.actor),
  );
  return json({ id: link.id, url: setupUrl(env.PUBLIC_URL, token), expiresAt: link.expiresAt }, 201);
}

const tag = "Setup links";
export const setupLinkRoutes = [
  route({
    method: "POST",
    path: LINKS,
    tag,
    access: "org",
    audience: "api",
    summary: "Create a self-service setup link (the URL is shown once)",
    body: createSetupLinkBody,
    success: {
      status: 201,
      description: "The link",
      schema: z.object({ id: z.string(), url: z.string(), expiresAt: z.string() }),
    },
    handler: createSetupLink,
  }),
  route({
    method: "GET",
    path: LINKS,
    tag,
    access: "org",
    audience: "api",
    summary: "List setup links with their status (active, expired, revoked, used)",
    query: paginationQuery,
    success: {
      status: 200,
      description: "A page of setup links",
      schema: z.object({ data: z.array(setupLinkView), nextCursor: z.nullable(z.string()) }),
    },
    handler: async (ctx: RouteContext<undefined, z.infer<typeof paginationQuery>, { orgId: string }>) =>
      json(await orgOp(ctx.env, ctx.params.orgId, "listSetupLinks", pageRequest(ctx.query))),
  }),
  route({
    method: "GET",
    path: `${LINKS}/:linkId`,
    tag,
    access: "org",
    audience: "api",
    summary: "Get a setup link",
    success: { status: 200, description: "The link", schema: setupLinkView },
    handler: async (ctx) => json(await orgOp(ctx.env, ctx.params.orgId, "getSetupLink", { id: ctx.params.linkId })),
  }),
  route({
    method: "DELETE",
    path: `${LINKS}/:linkId`,
    tag,
    access: "org",
    audience: "api",
    summary: "Revoke a setup link (at once)",
    success: { status: 204, description: "Revoked" },
    handler: async (ctx) => {
      await orgOp(ctx.env, ctx.params.orgId, "revokeSetupLink", { id: ctx.params.linkId }, actorName(ctx.actor));
      return new Response(null, { status: 204 });
    },
  }),
];
