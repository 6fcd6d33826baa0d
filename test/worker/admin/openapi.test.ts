/** SPEC §2: `GET /openapi.json` describes exactly the routes the router registers. */
import { describe, expect, it } from "vitest";
import { allRoutes } from "../../../src/routes";
import { call, expectProblem, get } from "./helpers";

/** Every route, the lazily loaded groups included (src/routes.ts). */
const ALL_ROUTES = await allRoutes();

const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"];
const toOpenApi = (path: string) => path.replace(/:([A-Za-z]+)/g, "{$1}");

interface Operation {
  operationId: string;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
  security?: unknown[];
}

async function document(): Promise<{ openapi: string; paths: Record<string, Record<string, Operation>> }> {
  const response = await get("/openapi.json", { key: null });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/json");
  return response.body;
}

describe("/openapi.json", () => {
  it("is public OpenAPI 3.1 and lists exactly every registered method + path", async () => {
    const doc = await document();
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const registered = ALL_ROUTES.map((r) => `${r.method} ${toOpenApi(r.path)}`);
    expect(new Set(registered).size).toBe(registered.length);
    expect([...documented].sort()).toEqual([...registered].sort());
  });

  it("gives each route with a body a JSON requestBody schema, a form route its form, and none to the others", async () => {
    const doc = await document();
    for (const r of ALL_ROUTES) {
      const op = doc.paths[toOpenApi(r.path)]![r.method.toLowerCase()]!;
      if (r.body) {
        expect(op.requestBody?.required, `${r.method} ${r.path}`).toBe(true);
        const schema = op.requestBody!.content["application/json"]!.schema;
        expect(Object.keys(schema).length, `${r.method} ${r.path}`).toBeGreaterThan(0);
        expect(
          schema.type === "object" || Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf),
          `${r.method} ${r.path}`,
        ).toBe(true);
      } else if (r.form) {
        const schema = op.requestBody!.content["application/x-www-form-urlencoded"]!.schema;
        expect(schema.type, `${r.method} ${r.path}`).toBe("object");
      } else {
        expect(op.requestBody, `${r.method} ${r.path}`).toBeUndefined();
      }
    }
  });

  it("documents path parameters, unknown-field refusal, operation ids and responses", async () => {
    const doc = await document();
    const ids = new Set<string>();
    for (const r of ALL_ROUTES) {
      const op = doc.paths[toOpenApi(r.path)]![r.method.toLowerCase()]!;
      const pathParams = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
      expect(op.parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(pathParams);
      expect(op.responses[String(r.success.status)], `${r.method} ${r.path}`).toBeDefined();
      if (r.access === "public") expect(op.security).toEqual([]);
      else expect(op.responses["401"]).toBeDefined();
      ids.add(op.operationId);
    }
    expect(ids.size).toBe(ALL_ROUTES.length);
    const create = doc.paths["/api/v1/organizations"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(create).toMatchObject({ type: "object", required: ["name"], additionalProperties: false });
    const list = doc.paths["/api/v1/organizations/{orgId}/connections"]!.get!;
    expect(list.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(["query:type", "query:state", "query:limit", "query:after"]),
    );
  });

  it("describes every response: a JSON body by a schema (never {}), HTML and XML as strings, a redirect by Location", async () => {
    const doc = (await document()) as unknown as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown> };
    };
    const undescribed: string[] = [];
    const refs: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const [status, raw] of Object.entries(op.responses)) {
          const where = `${method.toUpperCase()} ${path} ${status}`;
          const response = raw as { content?: Record<string, { schema: Record<string, unknown> }>; headers?: object };
          if (status === "204" || (status === "403" && method === "options")) continue;
          if (status.startsWith("3")) {
            if (!response.headers || !("Location" in response.headers)) undescribed.push(`${where}: no Location`);
            continue;
          }
          const content = Object.entries(response.content ?? {});
          if (content.length === 0) undescribed.push(`${where}: no content`);
          for (const [type, { schema }] of content) {
            if (Object.keys(schema).length === 0) undescribed.push(`${where} ${type}: schema {}`);
            if (typeof schema.$ref === "string") refs.push(schema.$ref);
          }
        }
      }
    }
    expect(undescribed, "give each route's success (and responses) a schema").toEqual([]);
    for (const ref of refs) expect(doc.components.schemas[ref.replace("#/components/schemas/", "")], ref).toBeDefined();
    const organization = doc.paths["/api/v1/organizations/{orgId}"]!.get!.responses["200"] as {
      content: Record<string, { schema: unknown }>;
    };
    expect(organization.content["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/Organization" });
    expect(doc.components.schemas.Organization).toMatchObject({
      type: "object",
      additionalProperties: false,
      required: expect.arrayContaining(["id", "name", "slug", "domains", "activeSso"]),
    });
  });

  it("answers only GET", async () => {
    const response = await get("/openapi.json", { key: null });
    expect(response.status).toBe(200);
    const posted = await call("POST", "/openapi.json", { key: null, json: {} });
    expectProblem(posted, 405, "method_not_allowed");
    expect(posted.headers.get("allow")).toBe("GET");
  });
});
