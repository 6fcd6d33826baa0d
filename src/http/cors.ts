import { isRegisteredOrigin } from "../store/cache/app-records";
import { route, type Method, type Route } from "./route";

/**
 * CORS for browser apps (SPEC §2 `clients.allowedOrigins`; Fetch standard §3.2). Discovery and
 * JWKS are public documents: any origin may read them (`*`). The token and userinfo endpoints
 * answer only origins a client registered: a preflight carries no client, so it is answered
 * for an origin that some client lists; the request itself must come from one of its own
 * client's origins (checked by the endpoint once it knows the client). No credentials mode:
 * the endpoints authenticate with explicit headers and form fields, never cookies.
 */

/** Lets any origin read a public document. */
export const ANY_ORIGIN: Readonly<Record<string, string>> = { "access-control-allow-origin": "*" };

/** Lets `origin` read this response; `Vary` keeps shared caches from serving it to another. */
export function allowOrigin(origin: string): Record<string, string> {
  return { "access-control-allow-origin": origin, vary: "Origin" };
}

/** The request's `Origin` header: null for a request that is not cross-origin from a browser. */
export function requestOrigin(request: Request): string | null {
  return request.headers.get("origin");
}

/** Whether `origin` may call an endpoint for this client. */
export function isClientOrigin(client: { allowedOrigins: readonly string[] }, origin: string): boolean {
  return client.allowedOrigins.includes(origin);
}

/** Who a preflight is answered for: any origin, or an origin some client registers. */
export type PreflightPolicy = "any-origin" | "client-origins";

const PREFLIGHT_MAX_AGE_S = "600";

/**
 * The OPTIONS route of a CORS-enabled path: 204 with the allowed methods and request headers
 * for an allowed origin; 403 (no CORS headers, so the browser refuses) for any other.
 */
export function preflightRoute(input: {
  path: string;
  methods: Method[];
  policy: PreflightPolicy;
  tag: string;
}): Route {
  return route({
    method: "OPTIONS",
    path: input.path,
    tag: input.tag,
    access: "public",
    audience: "oauth",
    summary: `CORS preflight (${input.policy === "any-origin" ? "any origin" : "origins registered by a client"})`,
    success: { status: 204, description: "The methods and headers a browser may use from this origin" },
    responses: [
      { status: 403, description: "Not an origin this endpoint answers (no CORS headers)", contentType: null },
    ],
    handler: async ({ request, env }) => {
      const origin = requestOrigin(request);
      const allow = { allow: [...input.methods, "OPTIONS"].join(", ") };
      if (origin === null) return new Response(null, { status: 204, headers: allow });
      const permitted = input.policy === "any-origin" || (await isRegisteredOrigin(env, origin));
      if (!permitted) return new Response(null, { status: 403, headers: { ...allow, vary: "Origin" } });
      return new Response(null, {
        status: 204,
        headers: {
          ...allow,
          ...(input.policy === "any-origin" ? ANY_ORIGIN : allowOrigin(origin)),
          "access-control-allow-methods": input.methods.join(", "),
          "access-control-allow-headers": "authorization, content-type",
          "access-control-max-age": PREFLIGHT_MAX_AGE_S,
        },
      });
    },
  });
}
