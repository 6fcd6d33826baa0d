import * as z from "zod/mini";
import type { Route } from "../http/route";

const problem = { $ref: "#/components/schemas/Problem" };
const ERROR_RESPONSES: Record<string, { description: string; content: Record<string, { schema: unknown }> }> =
  Object.fromEntries(
    [
      [400, "Invalid request (validation_failed)"],
      [401, "Missing or unknown API key"],
      [403, "Forbidden or sso_not_allowed"],
      [404, "Not found"],
      [409, "Conflict"],
      [413, "Payload too large"],
      [415, "Unsupported media type"],
    ].map(([status, description]) => [
      String(status),
      { description: description as string, content: { "application/problem+json": { schema: problem } } },
    ]),
  );

/** OpenAPI path template from an itty path (`:orgId` -> `{orgId}`). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, "{$1}");
}

function jsonSchema(schema: z.ZodMiniType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

function parameters(r: Route): unknown[] {
  const pathParams = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  if (!r.query) return pathParams;
  const schema = jsonSchema(r.query) as { properties?: Record<string, unknown>; required?: string[] };
  const queryParams = Object.entries(schema.properties ?? {}).map(([name, s]) => ({
    name,
    in: "query",
    required: schema.required?.includes(name) ?? false,
    schema: s,
  }));
  return [...pathParams, ...queryParams];
}

function operation(r: Route) {
  const success = r.success;
  return {
    operationId: `${r.method.toLowerCase()}${openApiPath(r.path)
      .replace(/[{}]/g, "")
      .split("/")
      .map((s) => s.replace(/(^|[-_])(\w)/g, (_m, _p, c: string) => c.toUpperCase()))
      .join("")}`,
    summary: r.summary,
    tags: [r.tag],
    ...(r.access === "public" ? { security: [] } : {}),
    parameters: parameters(r),
    ...(r.body
      ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(r.body) } } } }
      : {}),
    responses: {
      [String(success.status)]: {
        description: success.description,
        ...(success.status === 204
          ? {}
          : {
              content: {
                [success.contentType ?? "application/json"]: {
                  schema: success.schema ? jsonSchema(success.schema) : {},
                },
              },
            }),
      },
      ...(r.access === "public" ? {} : ERROR_RESPONSES),
    },
  };
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
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status", "detail", "code"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            code: { type: "string" },
            errors: {
              type: "array",
              items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } },
            },
          },
        },
      },
    },
  };
}
