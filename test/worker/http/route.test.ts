/** Route definitions: typed path parameters, every method the router and /openapi.json accept. */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { json } from "../../../src/http/problem";
import { route, type Method, type PathParams } from "../../../src/http/route";
import { buildRouter } from "../../../src/http/router";
import { buildOpenApi } from "../../../src/openapi/build-openapi";

// Compile-time: each `:name` of a path is one string parameter, and no other.
const params: PathParams<"/api/v1/organizations/:orgId/connections/:connId/activate"> = {
  orgId: "org_1",
  connId: "conn_1",
};
// @ts-expect-error a path without the parameter has no such key
const wrong: PathParams<"/api/v1/organizations/:orgId"> = { connId: "conn_1" };

const echo = (method: Method) =>
  route({
    method,
    path: "/t/:orgId/things/:thingId",
    tag: "Test",
    access: "public",
    audience: "api",
    summary: `${method} a thing`,
    success: { status: 200, description: "the parameters" },
    // Typed per path: no `!`, and a parameter the path lacks does not compile.
    handler: ({ params: p }) => json({ method, orgId: p.orgId, thingId: p.thingId }),
  });

describe("route()", () => {
  it("types the parameters of its path", () => {
    expect(params).toEqual({ orgId: "org_1", connId: "conn_1" });
    expect(wrong).toBeDefined();
  });

  it("serves every method, PUT and OPTIONS included, with decoded parameters", async () => {
    const methods: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    const router = buildRouter(methods.map(echo));
    for (const method of methods) {
      const response = await router(
        new Request("https://sso.test/t/org_1/things/a%20b", { method }),
        env,
        createExecutionContext(),
      );
      expect(response?.status, method).toBe(200);
      expect(await response!.json()).toEqual({ method, orgId: "org_1", thingId: "a b" });
    }
  });

  it("describes PUT and OPTIONS operations in the OpenAPI document", () => {
    const doc = buildOpenApi([echo("PUT"), echo("OPTIONS")], "https://sso.test");
    const path = doc.paths["/t/{orgId}/things/{thingId}"]!;
    expect(Object.keys(path).sort()).toEqual(["options", "put"]);
  });
});
