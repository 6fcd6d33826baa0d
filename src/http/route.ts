import type * as z from "zod/mini";
import type { Env } from "../env";
import type { Actor } from "../admin/auth";
import type { FailureScope } from "../flow/login-error";
import type { ResponseComponent } from "../openapi/response-components";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS";

/**
 * Who may call a route: `public` (no key), `app` (root or app-wide keys only; 403 for an
 * org-scoped key), `org` (also an org-scoped key, for its own `:orgId`).
 */
export type Access = "public" | "app" | "org";

/**
 * Who reads a route's answers, and so which wire format a failure takes (STYLE 12): the
 * router's one catch renders an unexpected failure for the route's audience
 * (http/render-failure.ts). `api`: problem+json (RFC 9457); `oauth`: RFC 6749 §5.2 JSON;
 * `browser` and `portal`: the HTML error page with a reference id; `scim`: the SCIM error
 * JSON (RFC 7644 §3.12); `saml`: a SAML protocol message (a LogoutResponse).
 */
export type Audience = "api" | "oauth" | "browser" | "portal" | "scim" | "saml";

/** The names of an itty path's `:params`, e.g. `"orgId" | "connId"`. */
type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** The decoded path parameters of a path: one string per `:name`. */
export type PathParams<P extends string> = { [K in ParamNames<P>]: string };

export interface RouteContext<B = unknown, Q = unknown, P extends object = Record<string, string>> {
  request: Request;
  env: Env;
  exec: ExecutionContext;
  url: URL;
  params: P;
  body: B;
  query: Q;
  actor: Actor;
}

/**
 * One documented response of a route. A JSON body has a `schema` (the one its builder is
 * typed by); HTML and XML bodies are strings; a redirect names its target in `Location`.
 */
export interface ResponseDoc {
  status: number;
  description: string;
  /**
   * The body's schema: a response component's name (src/openapi/response-components.ts),
   * loaded only when /openapi.json is built, or a schema.
   */
  schema?: ResponseComponent | z.ZodMiniType;
  /** Default `application/json`; `null` for an answer with no body. Ignored for 204 and 3xx. */
  contentType?: string | null;
}

/** A route as the router and /openapi.json see it. */
export interface Route {
  method: Method;
  /** itty-router path, e.g. `/api/v1/organizations/:orgId`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  audience: Audience;
  body?: z.ZodMiniType | undefined;
  query?: z.ZodMiniType | undefined;
  /**
   * For routes that read a form-encoded body by their protocol's own rules (token, ACS, the
   * LDAP form): its fields, for /openapi.json only; the router does not parse it.
   */
  form?: z.ZodMiniType | undefined;
  /** The success response, for the OpenAPI document. */
  success: ResponseDoc;
  /**
   * Other answers the route gives besides its audience's failures (which /openapi.json adds
   * by audience): a second success (a redirect beside a page), or a route-specific error.
   */
  responses?: ResponseDoc[];
  /**
   * For `browser` and `portal` routes: whose audit log records a failure the router
   * catches (the org a connection ID in the path or an org token in the URL names);
   * without it, the app-wide log.
   */
  failureScope?: (url: URL, params: Record<string, string>) => FailureScope;
  /**
   * Declared as a method, so a route typed for its own body, query and path parameters is
   * a `Route` (method parameters are compared bivariantly): the router validates the body
   * and query with the route's own schemas and fills every parameter of its path.
   */
  handler(ctx: RouteContext): Promise<Response> | Response;
}

/** A route's definition, typed by its schemas and path. */
export interface RouteDefinition<B, Q, P extends string> extends Omit<Route, "path" | "body" | "query" | "handler"> {
  path: P;
  body?: z.ZodMiniType<B>;
  query?: z.ZodMiniType<Q>;
  handler: (ctx: RouteContext<B, Q, PathParams<P>>) => Promise<Response> | Response;
}

/** Declares a route with the types of its body, query and path parameters inferred. */
export function route<B = undefined, Q = undefined, P extends string = string>(
  definition: RouteDefinition<B, Q, P>,
): Route {
  return definition;
}
