/**
 * STYLE 12: every route declares its audience, and the router's one catch renders an
 * unexpected failure in that audience's wire format — never its message or stack. Two
 * halves: a test route table whose handlers throw, one route per audience; and the real
 * routes (authorize, ACS, callback, token, admin API) with one store operation failing.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newOrgToken } from "../../../src/lib/ids";
import { buildRouter } from "../../../src/http/router";
import { route, type Audience, type Route } from "../../../src/http/route";
import { allRoutes } from "../../../src/routes";
import { eventually, get } from "../admin/helpers";
import { authorizeUrl, seedSaml, tokenRequest } from "./flow-helpers";
import { failingOp } from "./store-interceptor";

/** Every route, the lazily loaded groups included (src/routes.ts). */
const ALL_ROUTES = await allRoutes();

const SECRET = "boom: the database password is hunter2";

/** The response, its text, and no trace of the error that caused it. */
async function expectNoLeak(response: Response): Promise<string> {
  const text = await response.text();
  expect(text).not.toContain("hunter2");
  expect(text).not.toMatch(/at .*\.ts:\d+|Error: /);
  return text;
}

async function run(routes: ReadonlyArray<Route>, request: Request, bindings = env): Promise<Response> {
  const exec = createExecutionContext();
  const response = await buildRouter(routes)(request, bindings, exec);
  await waitOnExecutionContext(exec);
  if (!response) throw new Error(`no route for ${request.url}`);
  return response;
}

/** The reason and detail the audit log holds for the reference id on an error page. */
async function recorded(orgId: string | null, html: string, since: string) {
  const referenceId = /Reference: (ref_[0-9a-z]{16})/.exec(html)?.[1];
  expect(referenceId, html).toBeDefined();
  const path = orgId ? `organizations/${orgId}/events` : "events";
  type Failure = { data: { referenceId?: string; reason?: string } };
  const find = async () => {
    const events = await get(`${path}?type=login.failed&since=${encodeURIComponent(since)}&limit=100`);
    return (events.body.data as Failure[]).find((e) => e.data.referenceId === referenceId);
  };
  // With no org known, the failure goes to the app-wide feed after the response (waitUntil).
  const event = orgId ? await find() : await eventually(find, (e) => e !== undefined);
  expect(event, `no login.failed event for ${referenceId}`).toBeDefined();
  return event!.data;
}

function throwingRoute(audience: Audience, path: string) {
  return route({
    method: "GET",
    path,
    tag: "Test",
    access: "public",
    audience,
    summary: `throws, for the ${audience} audience`,
    success: { status: 200, description: "never" },
    handler: () => {
      throw new Error(SECRET);
    },
  });
}

describe("the router's one catch, per audience", () => {
  const routes = [
    throwingRoute("api", "/t/api"),
    throwingRoute("oauth", "/t/oauth"),
    throwingRoute("browser", "/t/browser"),
    throwingRoute("portal", "/t/portal/:token"),
    throwingRoute("scim", "/t/scim"),
    throwingRoute("saml", "/t/saml"),
  ];
  const request = (path: string) => new Request(`https://sso.test${path}`);

  it("api: problem+json 500 internal_error", async () => {
    const response = await run(routes, request("/t/api"));
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = JSON.parse(await expectNoLeak(response));
    expect(body).toMatchObject({ status: 500, code: "internal_error", detail: "An unexpected error occurred." });
  });

  it("oauth: RFC 6749 server_error with Cache-Control: no-store", async () => {
    const response = await run(routes, request("/t/oauth"));
    expect(response.status).toBe(500);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = JSON.parse(await expectNoLeak(response));
    expect(body).toEqual({ error: "server_error", error_description: expect.any(String) });
  });

  it.each(["browser", "portal", "saml"])("%s: the HTML error page with a reference id, recorded", async (audience) => {
    const since = new Date().toISOString();
    const path = audience === "portal" ? "/t/portal/some-token" : `/t/${audience}`;
    const response = await run(routes, request(path));
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await expectNoLeak(response);
    expect(html).toContain("Something went wrong while signing you in.");
    const event = await recorded(null, html, since);
    expect(event.reason).toBe("internal_error");
  });

  it("scim: the SCIM error JSON (RFC 7644 §3.12), status as a string", async () => {
    const response = await run(routes, request("/t/scim"));
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/scim+json");
    const body = JSON.parse(await expectNoLeak(response));
    expect(body).toEqual({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "500",
      detail: "An unexpected error occurred.",
    });
  });

  it("unknown paths and methods stay problem+json 404/405", async () => {
    const router = buildRouter(routes);
    expect(await router(request("/t/nowhere"), env, createExecutionContext())).toBeUndefined();
    const wrongMethod = await router(
      new Request("https://sso.test/t/api", { method: "PUT" }),
      env,
      createExecutionContext(),
    );
    expect(wrongMethod?.status).toBe(405);
    expect(wrongMethod?.headers.get("content-type")).toBe("application/problem+json");
    expect(wrongMethod?.headers.get("allow")).toBe("GET");
  });
});

describe("real routes with a store operation failing", () => {
  it("/oauth/authorize: the HTML page, recorded app-wide as internal_error", async () => {
    const s = await seedSaml();
    const since = new Date().toISOString();
    const response = await run(
      ALL_ROUTES,
      new Request(authorizeUrl(s, { login_hint: `jane@${s.domain}` })),
      failingOp("APP", "getClient", new Error(SECRET)),
    );
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect((await recorded(null, await expectNoLeak(response), since)).reason).toBe("internal_error");
  });

  it("the ACS: the HTML page, recorded in the connection's org as internal_error", async () => {
    const s = await seedSaml();
    const since = new Date().toISOString();
    const response = await run(
      ALL_ROUTES,
      new Request(s.acsUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ SAMLResponse: btoa("<x/>"), RelayState: newOrgToken(s.orgId) }).toString(),
      }),
      failingOp("ORGS", "claimAcsLogin", new Error(SECRET)),
    );
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect((await recorded(s.orgId, await expectNoLeak(response), since)).reason).toBe("internal_error");
  });

  it("/oidc/callback: the HTML page, recorded in the org its state names", async () => {
    const s = await seedSaml();
    const since = new Date().toISOString();
    const state = newOrgToken(s.orgId);
    const response = await run(
      ALL_ROUTES,
      new Request(`https://sso.test/oidc/callback?code=x&state=${encodeURIComponent(state)}`),
      failingOp("ORGS", "consumePendingLogin", new Error(SECRET)),
    );
    expect(response.status).toBe(500);
    expect((await recorded(s.orgId, await expectNoLeak(response), since)).reason).toBe("internal_error");
  });

  it("/oauth/token: server_error, no-store", async () => {
    const s = await seedSaml();
    const response = await run(
      ALL_ROUTES,
      tokenRequest(s, newOrgToken(s.orgId)),
      failingOp("ORGS", "redeemCode", new Error(SECRET)),
    );
    expect(response.status).toBe(500);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(JSON.parse(await expectNoLeak(response))).toMatchObject({ error: "server_error" });
  });

  it("the admin API: problem+json internal_error", async () => {
    const s = await seedSaml();
    const response = await run(
      ALL_ROUTES,
      new Request(`https://sso.test/api/v1/organizations/${s.orgId}`, {
        headers: { authorization: "Bearer test-root-admin-key-0123456789abcdef" },
      }),
      failingOp("ORGS", "getOrganization", new Error(SECRET)),
    );
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(JSON.parse(await expectNoLeak(response))).toMatchObject({ code: "internal_error" });
  });
});
