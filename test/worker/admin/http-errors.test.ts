/** SPEC §2: problem+json for every failure; 413, 415, malformed JSON, unknown fields, 405, 404; never a 500. */
import { describe, expect, it } from "vitest";
import { allRoutes } from "../../../src/routes";
import { call, createOrg, createSamlConnection, expectProblem, expectStatus, get } from "./helpers";

/** Every route, the lazily loaded groups included (src/routes.ts). */
const ALL_ROUTES = await allRoutes();

const MAX = 256 * 1024;

/**
 * The admin API's routes (problem+json). The end-user and OAuth routes that share the
 * router answer in their own formats (HTML pages, RFC 6749 JSON) and are tested with them.
 */
const ADMIN_ROUTES = ALL_ROUTES.filter(
  (r) =>
    (r.path.startsWith("/api/v1/") && r.path !== "/api/v1/sso/saml/complete") ||
    r.path === "/saml/:connId/metadata" ||
    r.path === "/openapi.json",
);

describe("request bodies", () => {
  it("413 payload_too_large past 256 KiB, whether or not Content-Length says so", async () => {
    const big = JSON.stringify({ name: "x".repeat(MAX) });
    expectProblem(
      await call("POST", "organizations", { raw: big, contentType: "application/json" }),
      413,
      "payload_too_large",
    );
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(64 * 1024)));
        controller.close();
      },
    });
    expectProblem(
      await call("POST", "organizations", { raw: stream, contentType: "application/json" }),
      413,
      "payload_too_large",
    );
    const org = await createOrg();
    const connection = await createSamlConnection(org.id);
    const metadata = JSON.stringify({ metadataXml: `<x>${"a".repeat(MAX)}</x>` });
    expectProblem(
      await call("POST", `organizations/${org.id}/connections/${connection.id}/idp-metadata`, {
        raw: metadata,
        contentType: "application/json",
      }),
      413,
      "payload_too_large",
    );
  });

  it("accepts a body just under the cap (and refuses it by schema, not size)", async () => {
    const body = JSON.stringify({ name: "n", slug: "a".repeat(MAX - 40) });
    expect(new TextEncoder().encode(body).length).toBeLessThan(MAX);
    expectProblem(
      await call("POST", "organizations", { raw: body, contentType: "application/json" }),
      400,
      "validation_failed",
    );
  });

  it("415 unsupported_media_type for another or a missing content type", async () => {
    for (const contentType of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/jsonp",
    ]) {
      expectProblem(
        await call("POST", "organizations", { raw: JSON.stringify({ name: "x" }), contentType }),
        415,
        "unsupported_media_type",
      );
    }
    expectProblem(
      await call("POST", "organizations", { raw: JSON.stringify({ name: "x" }) }),
      415,
      "unsupported_media_type",
    );
    expectStatus(
      await call("POST", "organizations", {
        raw: JSON.stringify({ name: "x" }),
        contentType: "Application/JSON; charset=utf-8",
      }),
      201,
    );
  });

  it("400 for malformed JSON, an empty body, invalid UTF-8, or a non-object", async () => {
    for (const raw of ["{", "{name: 'x'}", "", "nul", '{"name": "x",}']) {
      const response = await call("POST", "organizations", { raw, contentType: "application/json" });
      expectProblem(response, 400, "validation_failed");
      expect(response.body.errors, raw).toEqual([{ path: "", message: "malformed JSON" }]);
    }
    const badUtf8 = new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    expectProblem(
      await call("POST", "organizations", { raw: badUtf8, contentType: "application/json" }),
      400,
      "validation_failed",
    );
    for (const raw of ["[]", "null", "42", '"name"']) {
      expectProblem(
        await call("POST", "organizations", { raw, contentType: "application/json" }),
        400,
        "validation_failed",
      );
    }
  });

  it("400 validation_failed naming unknown fields, at any depth", async () => {
    const top = await call("POST", "organizations", { json: { name: "x", __proto__x: 1, admin: true } });
    expectProblem(top, 400, "validation_failed");
    expect(top.body.errors).toEqual(
      expect.arrayContaining([
        { path: "__proto__x", message: "unknown field" },
        { path: "admin", message: "unknown field" },
      ]),
    );
    const org = await createOrg();
    const nested = await call("POST", `organizations/${org.id}/connections`, {
      json: { type: "saml", saml: { attributeMapping: { email: "mail", nickname: "nick" } } },
    });
    expectProblem(nested, 400, "validation_failed");
    expect(nested.body.errors).toEqual([{ path: "saml.attributeMapping.nickname", message: "unknown field" }]);
  });
});

describe("routing errors", () => {
  it("405 method_not_allowed with an Allow header listing the path's methods", async () => {
    const org = await createOrg();
    const cases: [string, string, string][] = [
      ["PUT", `organizations/${org.id}`, "GET, PATCH, DELETE"],
      ["DELETE", "organizations", "POST, GET"],
      ["GET", `organizations/${org.id}/allow_sso`, "POST"],
      ["PATCH", "clients", "POST, GET"],
      ["POST", `/saml/conn_x/metadata`, "GET"],
    ];
    for (const [method, path, allow] of cases) {
      const response = await call(method, path);
      expectProblem(response, 405, "method_not_allowed");
      expect(response.headers.get("allow")?.split(", ").sort(), `${method} ${path}`).toEqual(allow.split(", ").sort());
    }
  });

  it("404 problem+json for unknown routes, with or without a key", async () => {
    for (const path of [
      "/",
      "/api/v1",
      "/api/v1/nothing",
      "/api/v2/organizations",
      "/api/v1/organizations/org_x/unknown",
      "/saml/conn_x/acs-typo",
    ]) {
      expectProblem(await call("GET", path), 404, "not_found");
      expectProblem(await call("GET", path, { key: null }), 404, "not_found");
    }
  });

  it("400, not 500, for bad percent-encoding in a path parameter", async () => {
    expectProblem(await call("GET", "organizations/%E0%A4%A"), 400, "bad_request");
  });
});

describe("never a 500", () => {
  const hostile: unknown[] = [
    undefined,
    {},
    [],
    null,
    "text",
    0,
    { name: null },
    { type: null },
    { domains: {} },
    { domains: "," },
    { name: "x".repeat(300) },
    { email: "a@b.example" },
    { url: "https://x.example", events: null },
    { activeSso: 1 },
    { metadataXml: "<", metadataUrl: 5 },
    { type: "saml", saml: null },
    { type: "oidc", oidc: { scopes: {} } },
    { redirectUris: "https://x.example" },
  ];

  it("every admin route answers hostile input with a 4xx problem", async () => {
    expect(ADMIN_ROUTES.length).toBeGreaterThan(35);
    const org = await createOrg({ domains: [`${crypto.randomUUID().slice(0, 8)}.example.com`] });
    const connection = await createSamlConnection(org.id);
    const params: Record<string, string> = {
      orgId: org.id,
      connId: connection.id,
      userId: "user_x",
      clientId: "client_x",
      keyId: "key_x",
      webhookId: "wh_x",
      domain: "x.example.com",
    };
    // Deletions last, so every other route meets a live org and connection.
    const ordered = [
      ...ADMIN_ROUTES.filter((r) => r.method !== "DELETE"),
      ...ADMIN_ROUTES.filter((r) => r.method === "DELETE"),
    ];
    for (const r of ordered) {
      if (r === ordered.find((o) => o.method === "DELETE"))
        expectStatus(await get(`organizations/${org.id}/connections/${connection.id}`), 200);
      const path = r.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => params[name] ?? "x");
      const bodies = r.body ? hostile : [undefined];
      for (const body of bodies) {
        const response =
          body === undefined && r.body
            ? await call(r.method, path, { raw: "", contentType: "application/json" })
            : await call(
                r.method,
                path,
                body === undefined ? {} : { raw: JSON.stringify(body), contentType: "application/json" },
              );
        expect(
          response.status,
          `${r.method} ${path} ${JSON.stringify(body)}: ${response.text.slice(0, 200)}`,
        ).toBeLessThan(500);
        if (response.status >= 400)
          expect(response.headers.get("content-type"), `${r.method} ${path}`).toBe("application/problem+json");
      }
      const query = await call(
        r.method === "GET" ? "GET" : r.method,
        `${path}?limit=-1&after=${"z".repeat(200)}&type=%00&since=2020-13-45`,
      );
      expect(query.status, `${r.method} ${path} with a bad query`).toBeLessThan(500);
    }
  });
});
