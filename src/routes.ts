import { acsRoute } from "./flow/saml/acs";
import { sloRoutes } from "./flow/saml/slo-route";
import { authorizeRoutes } from "./flow/authorize";
import { completeSamlRoute } from "./flow/saml/complete-api";
import { json } from "./http/problem";
import { samlMetadataRoute } from "./flow/saml/sp-metadata-route";
import { route, type Route } from "./http/route";
import type { LazyRouteGroup } from "./http/router";
import { oauthRoutes } from "./oauth";
import { oidcCallbackRoute } from "./flow/oidc/callback";
import { ldapLoginRoutes } from "./flow/ldap/login-routes";

const openApiRoute = route({
  method: "GET",
  path: "/openapi.json",
  tag: "Meta",
  access: "public",
  audience: "api",
  summary: "This document",
  success: { status: 200, description: "OpenAPI 3.1", schema: "OpenApiDocument" },
  handler: async ({ env }) => {
    // The builder pulls in zod's JSON Schema conversion: loaded on first use, not at isolate start.
    const { buildOpenApi } = await import("./openapi/build-openapi");
    return json(buildOpenApi(await allRoutes(), env.PUBLIC_URL), 200, { "cache-control": "public, max-age=60" });
  },
});

/**
 * The routes an isolate registers when it starts: a login's (authorize, ACS, the complete
 * API, the OIDC callback, the LDAP form, token, userinfo, discovery, JWKS), the SP metadata
 * and /openapi.json. Everything else is in {@link LAZY_ROUTE_GROUPS}.
 */
export const LOGIN_ROUTES: Route[] = [
  samlMetadataRoute,
  ...oauthRoutes,
  ...authorizeRoutes,
  acsRoute,
  ...sloRoutes,
  completeSamlRoute,
  oidcCallbackRoute,
  ...ldapLoginRoutes,
  openApiRoute,
];

/**
 * Route groups whose modules (and their zod schemas) an isolate evaluates on the first
 * request under their prefix, not at start (SPEC §1, issue 11: a cold login pays only for
 * the login's code). A path under a prefix is served by {@link LOGIN_ROUTES} or the group.
 */
export const LAZY_ROUTE_GROUPS: LazyRouteGroup[] = [
  { prefix: "/api/", load: async () => (await import("./admin/routes")).adminRoutes },
  { prefix: "/scim/", load: async () => (await import("./scim/scim-routes")).scimRoutes },
  { prefix: "/setup", load: async () => (await import("./portal/routes")).portalRoutes },
  { prefix: "/oauth/logout", load: async () => (await import("./flow/logout/rp-logout")).rpLogoutRoutes },
];

/** Every route the worker serves, in /openapi.json's order; /openapi.json is generated from this same list. */
export async function allRoutes(): Promise<Route[]> {
  const [admin, scim, portal, logout] = await Promise.all(LAZY_ROUTE_GROUPS.map((g) => g.load()));
  const login = LOGIN_ROUTES.filter((r) => r !== openApiRoute);
  return [...admin!, ...login, ...logout!, ...scim!, ...portal!, openApiRoute];
}
