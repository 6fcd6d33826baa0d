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

type Operation = [summary: string, handler: Handler];

/**
 * The six routes of a resource type (RFC 7644 §3.3–3.6; Users and Groups have the same
 * shape): list and create on the collection, get, replace, patch and delete on `/{id}`.
 */
function resourceRoutes(r: {
  path: string;
  id: string;
  schema: ResponseComponent;
  listSchema: ResponseComponent;
  list: Operation;
  create: Operation;
  get: Operation;
  replace: Operation;
  patch: Operation;
  delete: Operation;
}): Route[] {
  const one = `${r.path}/${r.id}`;
  return [
    scimRoute("GET", r.path, r.list[0], { status: 200, schema: r.listSchema }, r.list[1]),
    scimRoute("POST", r.path, r.create[0], { status: 201, schema: r.schema }, r.create[1]),
    scimRoute("GET", one, r.get[0], { status: 200, schema: r.schema }, r.get[1]),
    scimRoute("PUT", one, r.replace[0], { status: 200, schema: r.schema }, r.replace[1]),
    scimRoute("PATCH", one, r.patch[0], { status: 200, schema: r.schema }, r.patch[1]),
    scimRoute("DELETE", one, r.delete[0], { status: 204 }, r.delete[1]),
  ];
}

export const scimRoutes: Route[] = [
  ...resourceRoutes({
    path: "/Users",
    id: ":userId",
    schema: "ScimUser",
    listSchema: "ScimUserList",
    list: ["List or filter users (filter, startIndex, count)", users("listUsers")],
    create: ["Create (or adopt) a user", users("createUser")],
    get: ["Get a user", users("getUser")],
    replace: ["Replace a user", users("replaceUser")],
    patch: ["Patch a user (add, remove, replace)", users("patchUser")],
    delete: ["Deprovision a user (a tombstone)", users("deleteUser")],
  }),
  ...resourceRoutes({
    path: "/Groups",
    id: ":groupId",
    schema: "ScimGroup",
    listSchema: "ScimGroupList",
    list: ["List or filter groups (excludedAttributes=members skips reading members)", groups("listGroups")],
    create: ["Create a group", groups("createGroup")],
    get: ["Get a group", groups("getGroup")],
    replace: ["Replace a group", groups("replaceGroup")],
    patch: ["Patch a group (members add/remove/replace, displayName)", groups("patchGroup")],
    delete: ["Delete a group", groups("deleteGroup")],
  }),
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
