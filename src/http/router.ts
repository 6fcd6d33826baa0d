import { IttyRouter } from "itty-router";
import type { Env } from "../env";
import { authenticate, authorize, type Actor } from "../admin/auth";
import { ApiError } from "./api-error";
import { problemResponse } from "./problem";
import { readJsonBody } from "./read-body";
import { renderFailure } from "./render-failure";
import type { Route, RouteContext } from "./route";
import { validate } from "./validate";

/** The router's registered routes, as [method, path] (compared with /openapi.json by a test). */
export type RouteTable = ReadonlyArray<Route>;

/**
 * Builds the worker's router from route definitions. Each request is authenticated and
 * authorized per its route's `access`, its query and body validated by the route's
 * schemas; any error a handler leaves is rendered for the route's `audience` by the one
 * catch (render-failure.ts), never by itty's default, which spreads every field of the
 * error onto the wire. An unknown path is 404 and a path that exists under another method
 * is 405, both problem+json.
 */
export function buildRouter(routes: RouteTable) {
  const router = IttyRouter();
  for (const r of routes) {
    router[r.method.toLowerCase() as "get"](
      r.path,
      (request: Request & { params: Record<string, string> }, env: Env, exec: ExecutionContext) =>
        runRoute(r, request, env, exec),
    );
  }
  const patterns = routes.map((r) => ({ method: r.method, regex: pathRegex(r.path) }));
  return async (request: Request, env: Env, exec: ExecutionContext): Promise<Response | undefined> => {
    const response = (await router.fetch(request, env, exec)) as Response | undefined;
    if (response) return response;
    const pathname = new URL(request.url).pathname;
    const allowed = [...new Set(patterns.filter((p) => p.regex.test(pathname)).map((p) => p.method))];
    if (allowed.length > 0) {
      return problemResponse(new ApiError(405, "method_not_allowed", `Use ${allowed.join(", ")} on this path.`), {
        allow: allowed.join(", "),
      });
    }
    return undefined;
  };
}

async function runRoute(
  r: Route,
  request: Request & { params: Record<string, string> },
  env: Env,
  exec: ExecutionContext,
): Promise<Response> {
  const url = new URL(request.url);
  let params: Record<string, string> = request.params ?? {};
  try {
    params = decodeParams(params);
    const actor: Actor = r.access === "public" ? { kind: "anonymous" } : await authenticate(request, env);
    authorize(actor, r.access, params);
    const query = r.query ? validate(r.query, Object.fromEntries(url.searchParams)) : undefined;
    const body = r.body ? await readJsonBody(request, r.body) : undefined;
    const ctx: RouteContext = { request, env, exec, url, params, body, query, actor };
    return await r.handler(ctx);
  } catch (error) {
    return renderFailure(r, error, { env, url, params });
  }
}

function decodeParams(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      throw new ApiError(400, "bad_request", `Path parameter ${k} is not valid percent-encoding.`);
    }
  }
  return out;
}

function pathRegex(path: string): RegExp {
  const source = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\/:[A-Za-z]+/g, "/[^/]+");
  return new RegExp(`^${source}/?$`);
}
