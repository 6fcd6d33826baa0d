import type { Env } from "../env";
import { emailDomain } from "./normalize-domain";
import { isOrgId, orgIdOfConnection } from "../lib/ids";
import { cacheDomainRoute, forgetDomain, readDomainIndex } from "./domain-index";
import { domainClaim, orgOp } from "../store/stores";
import type { DomainRoute } from "../store/org/domain-ops";
import type { ConnectionRecord, OrganizationRecord } from "../store/org/types";

/** Why a login could not be routed. */
export type RouteFailure =
  | "invalid_email"
  | "unknown_domain"
  | "unverified_domain"
  | "unknown_organization"
  | "unknown_connection"
  | "sso_not_allowed"
  | "no_active_connection";

export type LoginRoute =
  { ok: true; organization: OrganizationRecord; connection: ConnectionRecord } | { ok: false; reason: RouteFailure };

/**
 * Routes a login by email domain (SPEC §2 "Routing a login"). KV gives the org fast at the
 * edge; the org's object confirms it owns the domain and picks the connection. On a KV
 * miss or a stale entry, the domain's claim object (the uniqueness authority) names the
 * verified owner, and the KV entry is refreshed in the background. Unverified (pending)
 * claims route nobody.
 */
export async function routeLoginByEmail(env: Env, email: string, exec?: ExecutionContext): Promise<LoginRoute> {
  const domain = emailDomain(email);
  if (!domain) return { ok: false, reason: "invalid_email" };
  const cached = await readDomainIndex(env, domain);
  if (cached) {
    const route = await orgOp(env, cached.organizationId, "routeDomain", { domain });
    if (route.ok || route.reason !== "not_owned") return toLoginRoute(route);
  }
  const { owner, pending } = await domainClaim(env, domain).lookup();
  if (!owner) {
    if (cached) exec?.waitUntil(forgetDomain(env, domain));
    // Pending in one org or several: no org verified it, so none is named or routed to.
    return { ok: false, reason: pending ? "unverified_domain" : "unknown_domain" };
  }
  const route = await orgOp(env, owner, "routeDomain", { domain });
  if (route.ok && exec) {
    exec.waitUntil(cacheDomainRoute(env, domain, { organizationId: owner, connectionId: route.connection.id }));
  }
  return toLoginRoute(route);
}

function toLoginRoute(route: DomainRoute): LoginRoute {
  if (route.ok) return route;
  return { ok: false, reason: route.reason === "not_owned" ? "unknown_domain" : route.reason };
}

/** Routes a login by `organization_id` (SPEC §3). */
export async function routeLoginByOrganization(env: Env, organizationId: string): Promise<LoginRoute> {
  if (!isOrgId(organizationId)) return { ok: false, reason: "unknown_organization" };
  const route = await orgOp(env, organizationId, "routeOrganizationId", undefined);
  return route.ok ? route : { ok: false, reason: route.reason === "not_owned" ? "unknown_organization" : route.reason };
}

/** Routes a login by `connection_id` (SPEC §3): the org comes from the ID itself. */
export async function routeLoginByConnection(env: Env, connectionId: string): Promise<LoginRoute> {
  const organizationId = orgIdOfConnection(connectionId);
  if (!organizationId) return { ok: false, reason: "unknown_connection" };
  const route = await orgOp(env, organizationId, "routeConnectionId", { connectionId });
  return route.ok ? route : { ok: false, reason: route.reason === "not_owned" ? "unknown_connection" : route.reason };
}
