import * as z from "zod/mini";
import { connectionView } from "../connections/connection-view";
import { claimDomains, settleClaims, undoClaims } from "../domains/claim-domains";
import { normalizeDomains } from "../domains/normalize-domain";
import { notFound } from "../http/api-error";
import { json } from "../http/problem";
import { route, type RouteContext } from "../http/route";
import { orgOp } from "../store/stores";
import { actorName } from "./auth";
import { guardConnectionRoute } from "./connections/guard";
import { organizationView } from "./organization-view";

const ORG = "/api/v1/organizations/:orgId";

const patchSsoBody = z.strictObject({ activeSso: z.enum(["none", "saml", "oidc", "ldap"]) });

async function setSsoAllowed(ctx: RouteContext<undefined, undefined, { orgId: string }>, allowed: boolean) {
  const org = await orgOp(ctx.env, ctx.params.orgId, "setSsoAllowed", allowed, actorName(ctx.actor));
  return json(organizationView(org));
}

async function patchSso(ctx: RouteContext<z.infer<typeof patchSsoBody>, undefined, { orgId: string }>) {
  await orgOp(ctx.env, ctx.params.orgId, "setActiveSso", ctx.body.activeSso, actorName(ctx.actor));
  return json(await orgOp(ctx.env, ctx.params.orgId, "getSsoSettings", undefined));
}

/** The org's active connection of type `activeSso` (seed 000 "show current configuration"). */
async function getActiveConnection(ctx: RouteContext<undefined, undefined, { orgId: string }>) {
  await guardConnectionRoute(ctx, false);
  const org = await orgOp(ctx.env, ctx.params.orgId, "getOrganization", undefined);
  if (org.activeSso !== "none") {
    const page = await orgOp(ctx.env, org.id, "listConnections", { limit: 1, type: org.activeSso, state: "active" });
    const connection = page.data[0];
    if (connection) return json(await connectionView(connection, ctx.env.PUBLIC_URL));
  }
  throw notFound("Active SSO connection");
}

/**
 * An app-wide key verifies a domain an org-scoped key added (SPEC §2 "Domains"); the other
 * orgs that had it pending lose it.
 */
async function verifyDomain(ctx: RouteContext<undefined, undefined, { orgId: string; domain: string }>) {
  const [domain] = await normalizeDomains([ctx.params.domain], "domain");
  const org = await orgOp(ctx.env, ctx.params.orgId, "getOrganization", undefined);
  if (!org.domains.some((d) => d.domain === domain)) throw notFound("Domain");
  // 409 domain_taken when another org verified it first: verification never takes a domain from its org.
  const claims = await claimDomains(ctx.env, org.id, [domain!], true);
  const updated = await orgOp(
    ctx.env,
    org.id,
    "addDomains",
    { domains: [domain!], verified: true },
    actorName(ctx.actor),
  ).catch(async (error: unknown) => {
    await undoClaims(ctx.env, claims);
    throw error;
  });
  await settleClaims(ctx.env, claims);
  return json(organizationView(updated));
}

const tag = "SSO settings";
export const ssoRoutes = [
  route({
    method: "POST",
    path: `${ORG}/allow_sso`,
    tag,
    access: "app",
    audience: "api",
    summary: "Allow the organization to use SSO",
    success: { status: 200, description: "The organization", schema: "Organization" },
    handler: (ctx) => setSsoAllowed(ctx, true),
  }),
  route({
    method: "POST",
    path: `${ORG}/disallow_sso`,
    tag,
    access: "app",
    audience: "api",
    summary: "Disallow SSO: nobody of the org logs in",
    success: { status: 200, description: "The organization", schema: "Organization" },
    handler: (ctx) => setSsoAllowed(ctx, false),
  }),
  route({
    method: "GET",
    path: `${ORG}/sso`,
    tag,
    access: "org",
    audience: "api",
    summary: "The active and available SSO types",
    success: { status: 200, description: "{activeSso, availableSso}", schema: "SsoSettings" },
    handler: async (ctx) => json(await orgOp(ctx.env, ctx.params.orgId, "getSsoSettings", undefined)),
  }),
  route({
    method: "PATCH",
    path: `${ORG}/sso`,
    tag,
    access: "org",
    audience: "api",
    summary: "Change the active SSO type",
    body: patchSsoBody,
    success: { status: 200, description: "{activeSso, availableSso}", schema: "SsoSettings" },
    handler: patchSso,
  }),
  route({
    method: "GET",
    path: `${ORG}/sso/connection`,
    tag,
    access: "org",
    audience: "api",
    summary: "The active connection; 404 when none",
    success: { status: 200, description: "The connection", schema: "Connection" },
    handler: getActiveConnection,
  }),
  route({
    method: "POST",
    path: `${ORG}/domains/:domain/verify`,
    tag: "Organizations",
    access: "app",
    audience: "api",
    summary: "Verify a domain an org-scoped key added",
    success: { status: 200, description: "The organization", schema: "Organization" },
    handler: verifyDomain,
  }),
];
