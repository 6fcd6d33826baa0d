import type { Env } from "../env";
import { authenticate, authorize, type Actor } from "../admin/auth";
import { ApiError } from "./api-error";
import { problemResponse } from "./problem";
import { readJsonBody } from "./read-body";
import type { Route, RouteContext } from "./route";
import { validate } from "./validate";

/** The router's registered routes, as [method, path] (compared with /openapi.json by a test). */
export type RouteTable = ReadonlyArray<Route>;

interface CompiledRoute {
  route: Route;
  /** Matches a request path: `:name` is one non-empty segment, trailing slashes are ignored. */
  match: RegExp;
}

/**
 * Builds the worker's router from route definitions. Each request is authenticated and
 * authorized per its route's `access`, its query and body validated by the route's
 * schemas; any error becomes problem+json (never a router's default error body, which
 * spreads every field of the error onto the wire). A path that exists under another
 * method is 405.
 *
 * The first route in `routes` whose method and pattern match wins. Paths without
 * parameters (every login and token endpoint) are found with one map lookup instead of
 * trying each pattern in turn; a path enters the map only when no earlier route's pattern
 * also matches it, so the lookup always agrees with the in-order scan.
 */
export function buildRouter(routes: RouteTable) {
  const compiled: CompiledRoute[] = routes.map((route) => ({ route, match: matchRegex(route.path) }));
  const exact = new Map<string, CompiledRoute>();
  compiled.forEach((c, i) => {
    if (c.route.path.includes(":")) return;
    const key = `${c.route.method} ${c.route.path}`;
    const shadowed = compiled.slice(0, i).some((earlier) => earlier.route.method === c.route.method && earlier.match.test(c.route.path));
    if (!shadowed && !exact.has(key)) exact.set(key, c);
  });
  const patterns = routes.map((r) => ({ method: r.method, regex: pathRegex(r.path) }));
  return async (request: Request, env: Env, exec: ExecutionContext): Promise<Response | undefined> => {
    const url = new URL(request.url);
    const pathname = url.pathname;
    const found = exact.get(`${request.method} ${pathname.replace(/\/+$/, "")}`);
    if (found) return runRoute(found.route, {}, request, url, env, exec);
    for (const c of compiled) {
      if (c.route.method !== request.method) continue;
      const m = c.match.exec(pathname);
      if (m) return runRoute(c.route, { ...m.groups }, request, url, env, exec);
    }
    const allowed = [...new Set(patterns.filter((p) => p.regex.test(pathname)).map((p) => p.method))];
    if (allowed.length > 0) {
      return problemResponse(new ApiError(405, "method_not_allowed", `Use ${allowed.join(", ")} on this path.`), { allow: allowed.join(", ") });
    }
    return undefined;
  };
}

async function runRoute(
  r: Route, rawParams: Record<string, string>, request: Request, url: URL, env: Env, exec: ExecutionContext,
): Promise<Response> {
  try {
    const params = decodeParams(rawParams);
    const actor: Actor = r.access === "public" ? { kind: "anonymous" } : await authenticate(request, env);
    authorize(actor, r.access, params);
    const query = r.query ? validate(r.query, Object.fromEntries(url.searchParams)) : undefined;
    const body = r.body ? await readJsonBody(request, r.body) : undefined;
    const ctx: RouteContext = { request, env, exec, url, params, body, query, actor };
    return await r.handler(ctx);
  } catch (error) {
    return problemResponse(error);
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

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The dispatch pattern (as itty-router matched before): raw segments as named groups, any trailing slashes. */
function matchRegex(path: string): RegExp {
  const source = path.split(/(\/:[A-Za-z]+)/).map((part) => (part.startsWith("/:") ? `/(?<${part.slice(2)}>[^/]+?)` : escapeRegex(part))).join("");
  return new RegExp(`^${source}/*$`);
}

/** The pattern of the 405 check: at most one trailing slash. */
function pathRegex(path: string): RegExp {
  const source = escapeRegex(path).replace(/\/:[A-Za-z]+/g, "/[^/]+");
  return new RegExp(`^${source}/?$`);
}
