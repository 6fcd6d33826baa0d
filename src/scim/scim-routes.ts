import type { ResponseComponent } from "../openapi/response-components";
import { route, type Route, type RouteContext } from "../http/route";

/**
 * The SCIM 2.0 service provider of each org (SPEC §10) at `/scim/v2/{orgId}`. Every route
 * is `public` to the router (API keys mean nothing here) and authenticates its SCIM token
 * inside the org's object, in the same call that does the work. The handlers, and with
 * them the SCIM libraries, load on the first SCIM request (a dynamic import), so the
 * login path never evaluates them. Request and response bodies are SCIM's own resources,
 * described by the service's `/Schemas` and `/ResourceTypes` endpoints (RFC 7643 §7).
 */
const BASE = "/scim/v2/:orgId";
const tag = "SCIM 2.0 (bodies per RFC 7643; see /Schemas)";

type Handler = (ctx: RouteContext<undefined, undefined, never>) => Promise<Response>;

/** A handler of a module loaded on first use (esbuild keeps it in the bundle, evaluated lazily). */
function lazy<M>(load: () => Promise<M>): (name: keyof M) => Handler {
  return (name) => async (ctx) => {
    const handlers = await load();
    return (handlers[name] as (c: typeof ctx) => Promise<Response>)(ctx);
  };
}

const users = lazy(() => import("./user-handlers"));
const groups = lazy(() => import("./group-handlers"));
const discovery = lazy(() => import("./discovery"));

function scimRoute(
  method: Route["method"],
  path: string,
  summary: string,
  success: { status: number; schema?: ResponseComponent },
  handler: Handler,
): Route {
  return route({
    method,
    path: `${BASE}${path}`,
    tag,
    access: "public",
    audience: "scim",
    summary,
    success: { ...success, description: summary, contentType: "application/scim+json" },
    handler: handler as (ctx: RouteContext) => Promise<Response>,
  });
}

export const scimRoutes: Route[] = [
  scimRoute(
    "GET",
    "/Users",
    "List or filter users (filter, startIndex, count)",
    { status: 200, schema: "ScimUserList" },
    users("listUsers"),
  ),
  scimRoute("POST", "/Users", "Create (or adopt) a user", { status: 201, schema: "ScimUser" }, users("createUser")),
  scimRoute("GET", "/Users/:userId", "Get a user", { status: 200, schema: "ScimUser" }, users("getUser")),
  scimRoute("PUT", "/Users/:userId", "Replace a user", { status: 200, schema: "ScimUser" }, users("replaceUser")),
  scimRoute(
    "PATCH",
    "/Users/:userId",
    "Patch a user (add, remove, replace)",
    { status: 200, schema: "ScimUser" },
    users("patchUser"),
  ),
  scimRoute("DELETE", "/Users/:userId", "Deprovision a user (a tombstone)", { status: 204 }, users("deleteUser")),
  scimRoute(
    "GET",
    "/Groups",
    "List or filter groups (excludedAttributes=members skips reading members)",
    { status: 200, schema: "ScimGroupList" },
    groups("listGroups"),
  ),
  scimRoute("POST", "/Groups", "Create a group", { status: 201, schema: "ScimGroup" }, groups("createGroup")),
  scimRoute("GET", "/Groups/:groupId", "Get a group", { status: 200, schema: "ScimGroup" }, groups("getGroup")),
  scimRoute("PUT", "/Groups/:groupId", "Replace a group", { status: 200, schema: "ScimGroup" }, groups("replaceGroup")),
  scimRoute(
    "PATCH",
    "/Groups/:groupId",
    "Patch a group (members add/remove/replace, displayName)",
    { status: 200, schema: "ScimGroup" },
    groups("patchGroup"),
  ),
  scimRoute("DELETE", "/Groups/:groupId", "Delete a group", { status: 204 }, groups("deleteGroup")),
  scimRoute(
    "GET",
    "/ServiceProviderConfig",
    "What this SCIM service supports (RFC 7643 §5)",
    { status: 200, schema: "ScimDiscovery" },
    discovery("getServiceProviderConfig"),
  ),
  scimRoute(
    "GET",
    "/ResourceTypes",
    "User and Group (RFC 7643 §6)",
    { status: 200, schema: "ScimDiscoveryList" },
    discovery("listResourceTypes"),
  ),
  scimRoute(
    "GET",
    "/ResourceTypes/:id",
    "One resource type",
    { status: 200, schema: "ScimDiscovery" },
    discovery("getResourceType"),
  ),
  scimRoute(
    "GET",
    "/Schemas",
    "The User, EnterpriseUser and Group schemas (RFC 7643 §7)",
    { status: 200, schema: "ScimDiscoveryList" },
    discovery("listSchemas"),
  ),
  scimRoute("GET", "/Schemas/:id", "One schema", { status: 200, schema: "ScimDiscovery" }, discovery("getSchema")),
  scimRoute(
    "POST",
    "/Bulk",
    "Not supported: 501 (RFC 7644 §3.7)",
    { status: 501, schema: "ScimError" },
    discovery("notImplemented"),
  ),
  scimRoute(
    "POST",
    "/.search",
    "Not supported: 501 (RFC 7644 §3.4.3)",
    { status: 501, schema: "ScimError" },
    discovery("notImplemented"),
  ),
];
