import * as z from "zod/mini";
import type { Audience, ResponseDoc, Route } from "../http/route";
import { RESPONSE_COMPONENTS } from "./response-components";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const problemContent = { "application/problem+json": { schema: ref("Problem") } };
const API_ERRORS = Object.fromEntries(
  [
    [400, "Invalid request (validation_failed)"],
    [401, "Missing or unknown API key"],
    [403, "Forbidden or sso_not_allowed"],
    [404, "Not found"],
    [409, "Conflict"],
    [413, "Payload too large"],
    [415, "Unsupported media type"],
  ].map(([status, description]) => [String(status), { description, content: problemContent }]),
);

/** Failures of a browser-facing route: one HTML page naming a reference id (SPEC §3). */
const BROWSER_ERRORS = {
  "4XX": {
    description: "An HTML error page with a reference id; the reason is in the audit log under it",
    content: { "text/html": { schema: { type: "string" } } },
  },
};

/** Failures of a SCIM route: the SCIM error with the RFC's status and scimType (RFC 7644 §3.12). */
const SCIM_ERRORS = {
  "4XX": {
    description: "A SCIM error: 400 (scimType invalidFilter, invalidValue, …), 401, 404, 409 uniqueness, 412",
    content: { "application/scim+json": { schema: ref("ScimError") } },
  },
};

/** The failures the router adds to every route of an audience (http/render-failure.ts). */
function audienceErrors(r: Route): Record<string, unknown> {
  const byAudience: Record<Audience, Record<string, unknown>> = {
    api: r.access === "public" ? {} : API_ERRORS,
    oauth: {},
    browser: BROWSER_ERRORS,
    portal: BROWSER_ERRORS,
    saml: BROWSER_ERRORS,
    scim: SCIM_ERRORS,
  };
  return byAudience[r.audience];
}

/** OpenAPI path template from an itty path (`:orgId` -> `{orgId}`). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, "{$1}");
}

/** JSON Schema 2020-12 of a schema: what a request may send (`input`) or a response holds (`output`). */
function jsonSchema(schema: z.ZodMiniType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

const componentNames = new Map<z.ZodMiniType, string>(
  Object.entries(RESPONSE_COMPONENTS).map(([name, schema]) => [schema as z.ZodMiniType, name]),
);

function bodySchema(schema: NonNullable<ResponseDoc["schema"]>): Record<string, unknown> {
  if (typeof schema === "string") return ref(schema);
  const name = componentNames.get(schema);
  return name ? ref(name) : jsonSchema(schema, "output");
}

/** One response object: a JSON body by its schema, HTML or XML as a string, a redirect by its Location. */
function response(doc: ResponseDoc): Record<string, unknown> {
  if (doc.status === 204 || doc.contentType === null) return { description: doc.description };
  if (doc.status >= 300 && doc.status < 400)
    return {
      description: doc.description,
      headers: { Location: { description: "Where the browser goes next", schema: { type: "string" } } },
    };
  const contentType = doc.contentType ?? "application/json";
  const isJson = contentType === "application/json" || contentType.endsWith("+json");
  // A JSON body without a schema is written as `{}`, which test/node/openapi refuses by name.
  const schema = doc.schema ? bodySchema(doc.schema) : isJson ? {} : { type: "string" };
  return { description: doc.description, content: { [contentType]: { schema } } };
}

function parameters(r: Route): unknown[] {
  const pathParams = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  if (!r.query) return pathParams;
  const schema = jsonSchema(r.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
  const queryParams = Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: "query",
    required: schema.required?.includes(name) ?? false,
    schema: s,
  }));
  return [...pathParams, ...queryParams];
}

function operation(r: Route) {
  const responses: Record<string, unknown> = { ...audienceErrors(r) };
  for (const doc of [r.success, ...(r.responses ?? [])]) responses[String(doc.status)] = response(doc);
  return {
    operationId: `${r.method.toLowerCase()}${openApiPath(r.path)
      .replace(/[{}]/g, "")
      .split("/")
      .map((s) => s.replace(/(^|[-_.])(\w)/g, (_m, _p, c: string) => c.toUpperCase()))
      .join("")}`,
    summary: r.summary,
    tags: [r.tag],
    ...(r.access === "public" ? { security: [] } : {}),
    parameters: parameters(r),
    ...(r.body
      ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(r.body, "input") } } } }
      : r.form
        ? {
            requestBody: {
              required: true,
              content: { "application/x-www-form-urlencoded": { schema: jsonSchema(r.form, "input") } },
            },
          }
        : {}),
    responses,
  };
}

/** The named response schemas, as JSON Schema referring to each other by `#/components/schemas/…`. */
function responseComponents(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(RESPONSE_COMPONENTS)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, {
    io: "output",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => {
      const { $schema: _s, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [name, rest];
    }),
  );
}

/** The OpenAPI 3.1 document, generated from the same routes and schemas the router uses. */
export function buildOpenApi(routes: ReadonlyArray<Route>, publicUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = openApiPath(r.path);
    paths[path] = { ...paths[path], [r.method.toLowerCase()]: operation(r) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "edge-sso",
      version: "0.1.0",
      description: "Enterprise SSO (SAML, OIDC, LDAP) as one Cloudflare Worker.",
    },
    servers: [{ url: publicUrl }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "ADMIN_API_KEY or a minted API key" } },
      schemas: responseComponents(),
    },
  };
}
