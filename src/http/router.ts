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
 * Routes under `prefix` whose modules are loaded on the first request that needs them
 * (src/routes.ts): `load` is called at most once per isolate.
 */
export interface LazyRouteGroup {
  prefix: string;
  load(): Promise<Route[]>;
}

type Dispatch = (request: Request, env: Env, exec: ExecutionContext) => Promise<Response | undefined>;
type MethodPattern = { method: string; regex: RegExp };

/**
 * Builds the worker's router from route definitions. Each request is authenticated and
 * authorized per its route's `access`, its query and body validated by the route's
 * schemas; any error a handler leaves is rendered for the route's `audience` by the one
 * catch (render-failure.ts), never by itty's default, which spreads every field of the
 * error onto the wire. An unknown path is 404 and a path that exists under another method
 * is 405, both problem+json. A path no route of `routes` answers, under a lazy group's
 * prefix, goes to that group, loaded then.
 */
export function buildRouter(routes: RouteTable, lazy: readonly LazyRouteGroup[] = []) {
  const eager = dispatcher(routes);
  const patterns: MethodPattern[] = routes.map(methodPattern);
  const loaded = new Map<LazyRouteGroup, Promise<{ dispatch: Dispatch; patterns: MethodPattern[] }>>();
  const loadGroup = (group: LazyRouteGroup) => {
    let entry = loaded.get(group);
    if (!entry) {
      entry = group.load().then((groupRoutes) => ({
        dispatch: dispatcher(groupRoutes),
        patterns: groupRoutes.map(methodPattern),
      }));
      // A failed load is retried by the next request, not cached.
      entry.catch(() => loaded.delete(group));
      loaded.set(group, entry);
    }
    return entry;
  };
  return async (request: Request, env: Env, exec: ExecutionContext): Promise<Response | undefined> => {
    const response = await eager(request, env, exec);
    if (response) return response;
    const pathname = new URL(request.url).pathname;
    let candidates = patterns;
    const group = lazy.find((g) => pathname.startsWith(g.prefix));
    if (group) {
      const { dispatch, patterns: groupPatterns } = await loadGroup(group);
      const fromGroup = await dispatch(request, env, exec);
      if (fromGroup) return fromGroup;
      candidates = [...patterns, ...groupPatterns];
    }
    const allowed = [...new Set(candidates.filter((p) => p.regex.test(pathname)).map((p) => p.method))];
    if (allowed.length > 0) {
      return problemResponse(new ApiError(405, "method_not_allowed", `Use ${allowed.join(", ")} on this path.`), {
        allow: allowed.join(", "),
      });
    }
    return undefined;
  };
}

/** An itty router over `routes`: a Response, or undefined when none of them matches. */
function dispatcher(routes: RouteTable): Dispatch {
  const router = IttyRouter();
  for (const r of routes) {
    router[r.method.toLowerCase() as "get"](
      r.path,
      (request: Request & { params: Record<string, string> }, env: Env, exec: ExecutionContext) =>
        runRoute(r, request, env, exec),
    );
  }
  return async (request, env, exec) => (await router.fetch(request, env, exec)) as Response | undefined;
}

const methodPattern = (r: Route): MethodPattern => ({ method: r.method, regex: pathRegex(r.path) });

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
