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

const users =
  (name: keyof typeof import("./user-handlers")): Handler =>
  async (ctx) => {
    const handlers = await import("./user-handlers");
    return (handlers[name] as (c: typeof ctx) => Promise<Response>)(ctx);
  };

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
];
