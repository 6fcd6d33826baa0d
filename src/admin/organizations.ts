import * as z from "zod/mini";
import { claimDomains, releaseDomains, settleClaims, undoClaims, type DomainClaims } from "../domains/claim-domains";
import { normalizeDomains } from "../domains/normalize-domain";
import { ApiError } from "../http/api-error";
import { paginationQuery, pageRequest } from "../http/pagination";
import { json } from "../http/problem";
import { route, type RouteContext } from "../http/route";
import { newId, randomBase32 } from "../lib/ids";
import type { OrganizationRecord } from "../store/org/types";
import { forgetApiKeys } from "../store/cache/app-records";
import { appOp, orgOp } from "../store/stores";
import { actorName, isAppWide } from "./auth";
import { organizationView, slugify } from "./organization-view";
import { domainsField, slugField } from "./schemas";

const ORGS = "/api/v1/organizations";

const createOrganizationBody = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(200)),
  slug: z.optional(slugField),
  domains: z.optional(domainsField),
  ssoAllowed: z.optional(z.boolean()),
  jitProvisioning: z.optional(z.boolean()),
});

const updateOrganizationBody = z.strictObject({
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  slug: z.optional(slugField),
  domains: z.optional(domainsField),
  jitProvisioning: z.optional(z.boolean()),
});

async function createOrganization({ env, body, actor }: RouteContext<z.infer<typeof createOrganizationBody>>) {
  const id = newId("org");
  const domains = body.domains === undefined ? [] : await normalizeDomains(body.domains);
  const slug = await reserveSlug(env, id, body.slug, body.name);
  const verified = isAppWide(actor);
  let claims: DomainClaims;
  try {
    claims = await claimDomains(env, id, domains, verified);
  } catch (error) {
    await appOp(env, "organizations", "releaseOrganization", { id });
    throw error;
  }
  const org = await orgOp(
    env,
    id,
    "createOrganization",
    {
      id,
      name: body.name,
      slug,
      ssoAllowed: body.ssoAllowed ?? true,
      jitProvisioning: body.jitProvisioning ?? true,
      domains: domains.map((domain) => ({ domain, verified })),
    },
    actorName(actor),
  ).catch(async (error: unknown) => {
    // Give the domains and the slug back: no half-made org may hold them.
    await undoClaims(env, claims);
    await appOp(env, "organizations", "releaseOrganization", { id });
    throw error;
  });
  await settleClaims(env, claims);
  return json(organizationView(org), 201);
}

/** Reserves the given slug (409 when taken) or one derived from the name. */
async function reserveSlug(
  env: RouteContext["env"],
  id: string,
  given: string | undefined,
  name?: string,
): Promise<string> {
  if (given) {
    await appOp(env, "organizations", "reserveOrganization", { id, slug: given });
    return given;
  }
  const base = slugify(name ?? "");
  for (const candidate of [base, `${base}-${randomBase32(6)}`]) {
    try {
      await appOp(env, "organizations", "reserveOrganization", { id, slug: candidate });
      return candidate;
    } catch (error) {
      if (!(error instanceof ApiError && error.code === "conflict")) throw error;
    }
  }
  throw new ApiError(409, "conflict", "Could not reserve a slug; pass one explicitly.");
}

async function updateOrganization({
  env,
  params,
  body,
  actor,
}: RouteContext<z.infer<typeof updateOrganizationBody>, undefined, { orgId: string }>) {
  const orgId = params.orgId;
  const current = await orgOp(env, orgId, "getOrganization", undefined);
  const domains = body.domains === undefined ? undefined : await normalizeDomains(body.domains);
  const slugChanged = body.slug !== undefined && body.slug !== current.slug;
  if (slugChanged) await reserveSlug(env, orgId, body.slug);
  try {
    if (domains) await replaceDomains(env, current, domains, actor);
  } catch (error) {
    // Nothing of the org changed: give back the old slug, or the index and the org disagree.
    if (slugChanged) await appOp(env, "organizations", "reserveOrganization", { id: orgId, slug: current.slug });
    throw error;
  }
  const org = await orgOp(
    env,
    orgId,
    "updateOrganization",
    { name: body.name, slug: body.slug, jitProvisioning: body.jitProvisioning },
    actorName(actor),
  );
  return json(organizationView(org));
}

/**
 * Makes the org's domains exactly `next`, all or nothing: claims the new ones (an app-wide
 * key's claims are verified, so its unverified ones listed again are claimed verified too),
 * removes the dropped ones (refused while a connection lists one, which gives the claims
 * back), then adds the new ones, releases the dropped ones and evicts the pending claims a
 * verification outranks.
 */
async function replaceDomains(
  env: RouteContext["env"],
  current: OrganizationRecord,
  next: string[],
  actor: RouteContext["actor"],
) {
  const verified = isAppWide(actor);
  const held = current.domains.map((d) => d.domain);
  const removed = held.filter((d) => !next.includes(d));
  const toClaim = next.filter((d) => {
    const mine = current.domains.find((c) => c.domain === d);
    return !mine || (verified && !mine.verified);
  });
  const claims = await claimDomains(env, current.id, toClaim, verified);
  try {
    if (removed.length > 0) await orgOp(env, current.id, "removeDomains", { domains: removed }, actorName(actor));
    await orgOp(env, current.id, "addDomains", { domains: next, verified }, actorName(actor));
  } catch (error) {
    await undoClaims(env, claims);
    throw error;
  }
  if (removed.length > 0) await releaseDomains(env, current.id, removed);
  await settleClaims(env, claims);
}

async function deleteOrganization({ env, params, actor }: RouteContext<undefined, undefined, { orgId: string }>) {
  const orgId = params.orgId;
  const { domains } = await orgOp(env, orgId, "deleteOrganization", undefined, actorName(actor));
  await releaseDomains(env, orgId, domains);
  await appOp(env, "organizations", "releaseOrganization", { id: orgId });
  await appOp(env, "api-keys", "deleteApiKeysOfScope", { scope: `organization:${orgId}` }, actorName(actor));
  forgetApiKeys({ scope: `organization:${orgId}` });
  return new Response(null, { status: 204 });
}

async function listOrganizations({ env, query }: RouteContext<undefined, z.infer<typeof paginationQuery>>) {
  const page = await appOp(env, "organizations", "listOrganizationIds", pageRequest(query));
  // An id whose object holds no org (reserved by a creation still running or one that
  // failed half-way) is skipped: one such entry must not fail the whole list.
  const orgs = await Promise.all(
    page.data.map((id) =>
      orgOp(env, id, "getOrganization", undefined).catch((error: unknown) => {
        if (error instanceof ApiError && error.code === "not_found") return null;
        throw error;
      }),
    ),
  );
  return json({ data: orgs.filter((o) => o !== null).map(organizationView), nextCursor: page.nextCursor });
}

export const organizationRoutes = [
  route({
    method: "POST",
    path: ORGS,
    tag: "Organizations",
    access: "app",
    audience: "api",
    summary: "Create an organization",
    body: createOrganizationBody,
    success: { status: 201, description: "The organization", schema: "Organization" },
    handler: createOrganization,
  }),
  route({
    method: "GET",
    path: ORGS,
    tag: "Organizations",
    access: "app",
    audience: "api",
    summary: "List organizations",
    query: paginationQuery,
    success: { status: 200, description: "A page of organizations", schema: "OrganizationPage" },
    handler: listOrganizations,
  }),
  route({
    method: "GET",
    path: `${ORGS}/:orgId`,
    tag: "Organizations",
    access: "org",
    audience: "api",
    summary: "Get an organization",
    success: { status: 200, description: "The organization", schema: "Organization" },
    handler: async ({ env, params }) =>
      json(organizationView(await orgOp(env, params.orgId, "getOrganization", undefined))),
  }),
  route({
    method: "PATCH",
    path: `${ORGS}/:orgId`,
    tag: "Organizations",
    access: "org",
    audience: "api",
    summary: "Update an organization (domains replace the set)",
    body: updateOrganizationBody,
    success: { status: 200, description: "The organization", schema: "Organization" },
    handler: updateOrganization,
  }),
  route({
    method: "DELETE",
    path: `${ORGS}/:orgId`,
    tag: "Organizations",
    access: "app",
    audience: "api",
    summary: "Delete an organization and release its domains",
    success: { status: 204, description: "Deleted" },
    handler: deleteOrganization,
  }),
];
