import type * as z from "zod/mini";
import type { Env } from "../env";
import type { Actor } from "../admin/auth";

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * Who may call a route: `public` (no key), `app` (root or app-wide keys only; 403 for an
 * org-scoped key), `org` (also an org-scoped key, for its own `:orgId`).
 */
export type Access = "public" | "app" | "org";

export interface RouteContext<B = unknown, Q = unknown> {
  request: Request;
  env: Env;
  exec: ExecutionContext;
  url: URL;
  params: Record<string, string>;
  body: B;
  query: Q;
  actor: Actor;
}

/** A route: what the router runs and what /openapi.json says about it. */
export interface Route<B = unknown, Q = unknown> {
  method: Method;
  /** itty-router path, e.g. `/api/v1/organizations/:orgId`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: z.ZodMiniType<B>;
  query?: z.ZodMiniType<Q>;
  /** Status and description of the success response, for the OpenAPI document. */
  success: { status: number; description: string; schema?: z.ZodMiniType; contentType?: string };
  handler: (ctx: RouteContext<B, Q>) => Promise<Response> | Response;
}

/** Declares a route with its types inferred from its schemas. */
export function route<B = undefined, Q = undefined>(definition: Route<B, Q>): Route {
  return definition as unknown as Route;
}
