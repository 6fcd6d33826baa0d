/** Route definitions: typed path parameters, every method the router and /openapi.json accept. */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { json } from "../../../src/http/problem";
import { route, type Method, type PathParams } from "../../../src/http/route";
import { buildRouter } from "../../../src/http/router";
import { buildOpenApi } from "../../../src/openapi/build-openapi";
import { allRoutes, LAZY_ROUTE_GROUPS, LOGIN_ROUTES } from "../../../src/routes";

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

describe("lazy route groups", () => {
  const at = (path: string, method: Method = "GET") => new Request(`https://sso.test${path}`, { method });
  const lazyEcho = (method: Method, path: string) =>
    route({
      method,
      path,
      tag: "Test",
      access: "public",
      audience: "api",
      summary: "lazy",
      success: { status: 200, description: "the route" },
      handler: () => json({ lazy: `${method} ${path}` }),
    });

  it("loads a group on the first request under its prefix, once, and never for other paths", async () => {
    let loads = 0;
    const router = buildRouter(
      [echo("GET")],
      [
        {
          prefix: "/lazy/",
          load: async () => (loads++, [lazyEcho("GET", "/lazy/:id"), lazyEcho("POST", "/lazy/:id")]),
        },
      ],
    );
    expect((await router(at("/t/o/things/x"), env, createExecutionContext()))?.status).toBe(200);
    expect(await router(at("/elsewhere"), env, createExecutionContext())).toBeUndefined();
    expect(loads).toBe(0);
    const first = await router(at("/lazy/1", "POST"), env, createExecutionContext());
    expect(await first!.json()).toEqual({ lazy: "POST /lazy/:id" });
    expect((await router(at("/lazy/2"), env, createExecutionContext()))?.status).toBe(200);
    expect(loads).toBe(1);
    // 405 lists the group's methods for its paths; an unknown path under the prefix is no route.
    const wrongMethod = await router(at("/lazy/1", "DELETE"), env, createExecutionContext());
    expect(wrongMethod?.status).toBe(405);
    expect(wrongMethod?.headers.get("allow")).toBe("GET, POST");
    expect(await router(at("/lazy/1/more"), env, createExecutionContext())).toBeUndefined();
  });

  it("retries a group whose load failed", async () => {
    let loads = 0;
    const router = buildRouter(
      [],
      [
        {
          prefix: "/lazy/",
          load: async () => {
            if (loads++ === 0) throw new Error("load failed");
            return [lazyEcho("GET", "/lazy/:id")];
          },
        },
      ],
    );
    await expect(router(at("/lazy/1"), env, createExecutionContext())).rejects.toThrow("load failed");
    expect((await router(at("/lazy/1"), env, createExecutionContext()))?.status).toBe(200);
    expect(loads).toBe(2);
  });
});

describe("the worker's route groups (src/routes.ts)", () => {
  it("puts every lazily loaded route under its group's prefix, so the router can reach it", async () => {
    for (const group of LAZY_ROUTE_GROUPS) {
      const routes = await group.load();
      expect(routes.length, group.prefix).toBeGreaterThan(0);
      for (const r of routes) expect(r.path.startsWith(group.prefix), `${r.method} ${r.path}`).toBe(true);
    }
  });

  it("serves every route through the worker's composition, each by the route itself", async () => {
    const all = await allRoutes();
    const eager = new Set(LOGIN_ROUTES);
    const lazy = (await Promise.all(LAZY_ROUTE_GROUPS.map((g) => g.load()))).flat();
    expect(all.length).toBe(eager.size + lazy.length);
    expect(new Set([...eager, ...lazy])).toEqual(new Set(all));
  });
});
