import { apiKeyRoutes } from "./admin/api-keys";
import { clientRoutes } from "./admin/clients";
import { connectionRoutes } from "./admin/connections/routes";
import { eventRoutes } from "./admin/events";
import { ldapTestRoutes } from "./admin/ldap-tests";
import { organizationRoutes } from "./admin/organizations";
import { setupLinkRoutes } from "./admin/setup-links";
import { ssoRoutes } from "./admin/sso";
import { userRoutes } from "./admin/users";
import { webhookRoutes } from "./admin/webhooks";
import { scimTokenRoutes } from "./admin/scim-tokens";
import { scimRoutes } from "./scim/scim-routes";
import { acsRoute } from "./flow/saml/acs";
import { authorizeRoutes } from "./flow/authorize";
import { completeSamlRoute } from "./flow/saml/complete-api";
import { json } from "./http/problem";
import { samlMetadataRoute } from "./flow/saml/sp-metadata-route";
import { route, type Route } from "./http/route";
import { oauthRoutes } from "./oauth";
import { oidcCallbackRoute } from "./flow/oidc/callback";
import { ldapLoginRoutes } from "./flow/ldap/login-routes";
import { portalRoutes } from "./portal/routes";

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
    return json(buildOpenApi(ALL_ROUTES, env.PUBLIC_URL), 200, { "cache-control": "public, max-age=60" });
  },
});

/** Every route the worker serves; /openapi.json is generated from this same list. */
export const ALL_ROUTES: Route[] = [
  ...organizationRoutes,
  ...ssoRoutes,
  ...connectionRoutes,
  ...userRoutes,
  ...setupLinkRoutes,
  ...scimTokenRoutes,
  ...eventRoutes,
  ...clientRoutes,
  ...apiKeyRoutes,
  ...webhookRoutes,
  ...ldapTestRoutes,
  samlMetadataRoute,
  ...oauthRoutes,
  ...authorizeRoutes,
  acsRoute,
  completeSamlRoute,
  oidcCallbackRoute,
  ...ldapLoginRoutes,
  ...scimRoutes,
  ...portalRoutes,
  openApiRoute,
];
