/**
 * Issue 16 item 5: /openapi.json describes every answer, checked with tools that share no
 * code with edge-sso. @readme/openapi-parser validates the document; openapi-typescript
 * generates the client types committed in clients/typescript/ (regenerate with
 * `npm run openapi:types`); openapi-fetch, typed by them, drives `wrangler dev` through the
 * admin API, a login and the token endpoint; and every answer it gets is validated by Ajv
 * against the schema the document gives for its operation and status.
 */
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiTypes, TYPES_FILE } from "../../../scripts/lib/openapi-types.mjs";
import { ADMIN_KEY, freePort, hop, startSystem, type System } from "../e2e/system";
import entra from "../../fixtures/scim/entra-id.json";
import okta from "../../fixtures/scim/okta-scim-2.0.json";
import rfc from "../../fixtures/scim/rfc7644.json";
import { replay, type Step } from "../../worker/scim/replay";
import { typedClient, type EdgeSsoClient } from "./typed-client";
import { ResponseChecker } from "./response-check";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * JSON answers this test does not provoke, each with where it is exercised instead. Every
 * other JSON answer in the document must be seen here and match its schema.
 */
const NOT_EXERCISED: Record<string, string> = {
  "POST /api/v1/sso/saml/complete 200": "needs an app-hosted ACS; test/worker/flow/saml-complete-api",
  "POST /api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry 202": "test/worker/webhooks",
};

/** A typed client's answer, or a throw naming its status and body. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined)
    throw new Error(`${result.response.url} answered ${result.response.status}: ${JSON.stringify(result.error)}`);
  return result.data;
}

describe("typed OpenAPI responses against wrangler dev", () => {
  let system: System;
  let document: Record<string, unknown>;
  let checker: ResponseChecker;
  let api: EdgeSsoClient;

  beforeAll(async () => {
    system = await startSystem();
    document = (await (await fetch(`${system.issuer}/openapi.json`)).json()) as Record<string, unknown>;
    checker = await ResponseChecker.of(document);
    api = typedClient(system.issuer, ADMIN_KEY, checker.fetch);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
  });

  it("is a valid OpenAPI 3.1 document (@readme/openapi-parser)", async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.specification).toBe("OpenAPI");
  });

  it(`matches the committed client types (${TYPES_FILE}; run npm run openapi:types)`, async () => {
    const committed = await readFile(join(root, TYPES_FILE), "utf8");
    expect(committed === (await openApiTypes(document)), `${TYPES_FILE} is stale: run npm run openapi:types`).toBe(
      true,
    );
  });

  it("refuses an answer that strays from the document (the check can fail)", async () => {
    const url = `${system.issuer}/api/v1/organizations/org_0`;
    const stray = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    const org = { id: "org_0", name: "n", slug: "n", ssoAllowed: true, jitProvisioning: true, domains: [] };
    const complete = { ...org, domainStates: [], activeSso: "none", createdAt: "t", updatedAt: "t" };
    await expect(checker.check("GET", url, stray(complete))).resolves.toBeUndefined();
    await expect(checker.check("GET", url, stray({ ...complete, secret: "x" }))).rejects.toThrow(
      /must NOT have additional properties/,
    );
    await expect(checker.check("GET", url, stray(org))).rejects.toThrow(/must have required property 'domainStates'/);
    await expect(checker.check("GET", url, stray({ ...complete, activeSso: "okta" }))).rejects.toThrow(
      /must be equal to one of the allowed values/,
    );
    await expect(checker.check("GET", url, stray(complete, 418))).rejects.toThrow(/status 418 is not documented/);
    await expect(checker.check("GET", `${system.issuer}/nowhere`, stray({}))).rejects.toThrow(/not in \/openapi.json/);
  });

  it("every answer of the admin API, a login, the token endpoint and their errors matches the document", async () => {
    // A webhook receiver on loopback, so endpoints can be created (it answers 204 to everything).
    const receiver = createServer((_req, res) => res.writeHead(204).end());
    const receiverPort = await freePort();
    await new Promise<void>((resolve) => receiver.listen(receiverPort, "127.0.0.1", resolve));
    try {
      await exerciseEverything(system, api, checker, receiverPort);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
    const seen = new Set(checker.seen.map((c) => `${c.operation} ${c.status}`));
    const missing = checker
      .jsonResponses()
      .filter((r) => !r.startsWith("OPTIONS "))
      .filter((r) => /^\S+ \S+ 2\d\d$/.test(r))
      .filter((r) => !seen.has(r) && !(r in NOT_EXERCISED));
    expect(missing, "call each in exerciseEverything below, or list it in NOT_EXERCISED").toEqual([]);
    // The error bodies are checked too.
    for (const error of [
      "GET /api/v1/organizations/{orgId} 404",
      "POST /api/v1/organizations 400",
      "GET /api/v1/clients 401",
      "POST /oauth/token 400",
      "POST /oauth/token 401",
      "GET /oauth/userinfo 401",
    ])
      expect(seen, error).toContain(error);
  }, 120_000);

  // Issue 17: the published SCIM sequences, also against the real system (the replay inside
  // workerd is test/worker/scim/conformance.test.ts); each answer matches the document too.
  for (const [name, fixture] of [
    ["Okta's SCIM 2.0 protocol reference", okta],
    ["Microsoft Entra ID's provisioning requests", entra],
    ["RFC 7644's examples", rfc],
  ] as const) {
    it(`replays ${name} (test/fixtures/scim) against wrangler dev`, async () => {
      const org = ok(await api.POST("/api/v1/organizations", { body: { name: `SCIM replay: ${name}` } }));
      const { token } = ok(
        await api.POST("/api/v1/organizations/{orgId}/scim-tokens", {
          params: { path: { orgId: org.id } },
          body: { name: "IdP" },
        }),
      );
      await replay(fixture.steps as Step[], async (method, path, body, headers = {}) => {
        const response = await checker.fetch(
          new Request(`${system.issuer}/scim/v2/${org.id}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              ...(body !== undefined ? { "content-type": "application/scim+json" } : {}),
              ...headers,
            },
            ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          }),
        );
        const text = await response.text();
        return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
      });
    }, 60_000);
  }
});

describe("the typed client", () => {
  it("types the client: the typed-client code compiles, and a wrong use of a response type does not", () => {
    const tsc = spawnSync(
      process.execPath,
      [join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "test/node/openapi"],
      { cwd: root, encoding: "utf8" },
    );
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  }, 60_000);
});

/** Drives every JSON route through the typed client; each answer is checked as it arrives. */
/** Every SCIM route once, through the checking fetch (SCIM answers application/scim+json). */
async function exerciseScim(base: string, token: string, checker: ResponseChecker) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await checker.fetch(
      new Request(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return response.status === 204 ? null : ((await response.json()) as { id: string });
  };
  const user = { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "bo@typed.example" };
  const created = (await call("POST", "/Users", user))!;
  await call("GET", "/Users?filter=userName%20eq%20%22bo%40typed.example%22");
  await call("GET", `/Users/${created.id}`);
  await call("PUT", `/Users/${created.id}`, { ...user, displayName: "Bo" });
  await call("PATCH", `/Users/${created.id}`, {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    Operations: [{ op: "replace", value: { active: false } }],
  });
  const group = (await call("POST", "/Groups", { displayName: "Typed", members: [{ value: created.id }] }))!;
  await call("GET", "/Groups?filter=displayName%20eq%20%22Typed%22");
  await call("GET", `/Groups/${group.id}?excludedAttributes=members`);
  await call("PUT", `/Groups/${group.id}`, { displayName: "Typed", members: [] });
  await call("PATCH", `/Groups/${group.id}`, {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    Operations: [{ op: "add", path: "members", value: [{ value: created.id }] }],
  });
  await call("DELETE", `/Groups/${group.id}`);
  for (const path of ["/ServiceProviderConfig", "/ResourceTypes", "/ResourceTypes/User", "/Schemas"])
    await call("GET", path);
  await call("GET", `/Schemas/${encodeURIComponent("urn:ietf:params:scim:schemas:core:2.0:User")}`);
  await call("DELETE", `/Users/${created.id}`);
}

async function exerciseEverything(system: System, api: EdgeSsoClient, checker: ResponseChecker, port: number) {
  // Meta and OpenID provider metadata.
  ok(await api.GET("/openapi.json"));
  const discovery = ok(await api.GET("/.well-known/openid-configuration"));
  expect(discovery.issuer).toBe(system.issuer);
  expect(ok(await api.GET("/.well-known/jwks.json")).keys.length).toBeGreaterThan(0);
  const rotated = ok(await api.POST("/api/v1/signing-keys/rotate"));
  expect(rotated.publicJwk.kid).toBe(rotated.kid);

  // Clients.
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  const created = ok(await api.POST("/api/v1/clients", { body: { name: "Typed app", redirectUris: [redirectUri] } }));
  expect(created.clientSecret).toMatch(/.{20,}/);
  ok(await api.GET("/api/v1/clients"));
  ok(await api.GET("/api/v1/clients/{clientId}", { params: { path: { clientId: created.clientId } } }));
  ok(
    await api.PATCH("/api/v1/clients/{clientId}", {
      params: { path: { clientId: created.clientId } },
      body: { allowedOrigins: [`http://127.0.0.1:${port}`] },
    }),
  );

  // Organizations, SSO settings, domains.
  const org = ok(await api.POST("/api/v1/organizations", { body: { name: "Typed Inc", domains: ["typed.example"] } }));
  const orgPath = { params: { path: { orgId: org.id } } };
  ok(await api.GET("/api/v1/organizations"));
  ok(await api.GET("/api/v1/organizations/{orgId}", orgPath));
  ok(await api.PATCH("/api/v1/organizations/{orgId}", { ...orgPath, body: { name: "Typed Incorporated" } }));
  ok(
    await api.POST("/api/v1/organizations/{orgId}/domains/{domain}/verify", {
      params: { path: { orgId: org.id, domain: "typed.example" } },
    }),
  );
  ok(await api.POST("/api/v1/organizations/{orgId}/disallow_sso", orgPath));
  ok(await api.POST("/api/v1/organizations/{orgId}/allow_sso", orgPath));

  // Connections of each type (drafts show their protocol's settings), activation, the active one.
  const idpMetadataXml = await (await fetch(`${system.idpUrl}/metadata`)).text();
  const saml = ok(
    await api.POST("/api/v1/organizations/{orgId}/connections", { ...orgPath, body: { type: "saml", name: "Dev" } }),
  );
  const connPath = { params: { path: { orgId: org.id, connId: saml.id } } };
  ok(
    await api.POST("/api/v1/organizations/{orgId}/connections", {
      ...orgPath,
      body: { type: "oidc", oidc: { issuer: "https://idp.typed.example", clientId: "c", clientSecret: "s" } },
    }),
  );
  ok(
    await api.POST("/api/v1/organizations/{orgId}/connections", {
      ...orgPath,
      body: { type: "ldap", ldap: { serverUri: "ldaps://ldap.typed.example", baseDn: "dc=typed,dc=example" } },
    }),
  );
  ok(await api.GET("/api/v1/organizations/{orgId}/connections", orgPath));
  ok(await api.GET("/api/v1/organizations/{orgId}/connections/{connId}", connPath));
  ok(await api.PATCH("/api/v1/organizations/{orgId}/connections/{connId}", { ...connPath, body: { name: "Dev IdP" } }));
  ok(await api.GET("/api/v1/organizations/{orgId}/connections/{connId}/sp-metadata", connPath));
  ok(
    await api.POST("/api/v1/organizations/{orgId}/connections/{connId}/idp-metadata", {
      ...connPath,
      body: { metadataXml: idpMetadataXml },
    }),
  );
  const active = ok(await api.POST("/api/v1/organizations/{orgId}/connections/{connId}/activate", connPath));
  expect(active.state).toBe("active");
  ok(await api.GET("/api/v1/organizations/{orgId}/sso/connection", orgPath));
  ok(await api.GET("/api/v1/organizations/{orgId}/sso", orgPath));
  ok(await api.PATCH("/api/v1/organizations/{orgId}/sso", { ...orgPath, body: { activeSso: "saml" } }));

  // Setup links.
  const link = ok(await api.POST("/api/v1/organizations/{orgId}/setup-links", { ...orgPath, body: {} }));
  const linkPath = { params: { path: { orgId: org.id, linkId: link.id } } };
  ok(await api.GET("/api/v1/organizations/{orgId}/setup-links", orgPath));
  expect(ok(await api.GET("/api/v1/organizations/{orgId}/setup-links/{linkId}", linkPath)).status).toBe("active");
  await api.DELETE("/api/v1/organizations/{orgId}/setup-links/{linkId}", linkPath);

  // Members.
  const member = ok(
    await api.POST("/api/v1/organizations/{orgId}/users", { ...orgPath, body: { email: "ann@typed.example" } }),
  );
  const userPath = { params: { path: { orgId: org.id, userId: member.id } } };
  ok(await api.GET("/api/v1/organizations/{orgId}/users", orgPath));
  ok(await api.GET("/api/v1/organizations/{orgId}/users/{userId}", userPath));
  await api.DELETE("/api/v1/organizations/{orgId}/users/{userId}", userPath);

  // Directory sync: a SCIM token, then the SCIM service with it (SCIM's own bodies, checked against the document).
  const scimToken = ok(
    await api.POST("/api/v1/organizations/{orgId}/scim-tokens", { ...orgPath, body: { name: "Okta" } }),
  );
  ok(await api.GET("/api/v1/organizations/{orgId}/scim-tokens", orgPath));
  const tokenPath = { params: { path: { orgId: org.id, tokenId: scimToken.id } } };
  ok(await api.GET("/api/v1/organizations/{orgId}/scim-tokens/{tokenId}", tokenPath));
  await exerciseScim(`${system.issuer}/scim/v2/${org.id}`, scimToken.token, checker);
  await api.DELETE("/api/v1/organizations/{orgId}/scim-tokens/{tokenId}", tokenPath);

  // API keys, webhooks, LDAP tests (a closed port: a 200 report that names the failed step).
  const key = ok(await api.POST("/api/v1/api-keys", { body: { name: "ci", scope: `organization:${org.id}` } }));
  ok(await api.GET("/api/v1/api-keys"));
  await api.DELETE("/api/v1/api-keys/{keyId}", { params: { path: { keyId: key.id } } });
  const hook = ok(
    await api.POST("/api/v1/webhooks", { body: { url: `http://127.0.0.1:${port}/hook`, events: ["user.created"] } }),
  );
  const hookPath = { params: { path: { webhookId: hook.id } } };
  ok(await api.GET("/api/v1/webhooks"));
  ok(await api.GET("/api/v1/webhooks/{webhookId}", hookPath));
  ok(await api.PATCH("/api/v1/webhooks/{webhookId}", { ...hookPath, body: { events: ["*"] } }));
  ok(await api.POST("/api/v1/webhooks/{webhookId}/rotate-secret", hookPath));
  ok(await api.GET("/api/v1/webhooks/{webhookId}/deliveries", hookPath));
  const closed = `ldap://127.0.0.1:${await freePort()}`;
  const report = ok(await api.POST("/api/v1/ldap/connection-test", { body: { serverUri: closed } }));
  expect(report.success).toBe(false);
  ok(
    await api.POST("/api/v1/ldap/authentication-test", {
      body: { serverUri: closed, baseDn: "dc=typed", username: "ann", password: "pw" },
    }),
  );

  // A login through the dev IdP (the system's seeded org holds example.com), then the token
  // endpoint and userinfo through the typed client.
  const authorize = new URL(`${system.issuer}/oauth/authorize`);
  authorize.search = new URLSearchParams({
    response_type: "code",
    client_id: created.clientId,
    redirect_uri: redirectUri,
    scope: "openid email profile",
    state: "s1",
    nonce: "n1",
    login_hint: "jane@example.com",
  }).toString();
  const jar = new Map<string, string>();
  const toIdp = await hop(authorize.toString(), jar);
  await checker.check("GET", authorize.toString(), toIdp);
  const callback = await signInAndCheck(system, checker, toIdp.headers.get("location")!, jar);
  const code = new URL(callback).searchParams.get("code")!;
  const tokens = ok(
    await api.POST("/oauth/token", {
      body: { grant_type: "authorization_code", code, redirect_uri: redirectUri },
      bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${btoa(`${created.clientId}:${created.clientSecret}`)}`,
      },
    }),
  );
  expect(tokens.profile.email).toBe("jane@example.com");
  const claims = ok(await api.GET("/oauth/userinfo", { headers: { authorization: `Bearer ${tokens.access_token}` } }));
  expect(claims.email).toBe("jane@example.com");
  ok(await api.POST("/oauth/userinfo", { headers: { authorization: `Bearer ${tokens.access_token}` } }));
  ok(await api.GET("/api/v1/organizations/{orgId}/events", orgPath));
  ok(await api.GET("/api/v1/events"));

  // Errors in each audience's format, checked against the document like the rest.
  const missing = await api.GET("/api/v1/organizations/{orgId}", { params: { path: { orgId: "org_0" } } });
  expect(missing.error?.code).toBe("not_found");
  const invalid = await api.POST("/api/v1/organizations", { body: { name: "" } });
  expect(invalid.error?.errors?.[0]?.path).toBe("name");
  const anonymous = await api.GET("/api/v1/clients", { headers: { authorization: "" } });
  expect(anonymous.response.status).toBe(401);
  const spent = await api.POST("/oauth/token", {
    body: { grant_type: "authorization_code", code, redirect_uri: redirectUri },
    bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${created.clientId}:${created.clientSecret}`)}`,
    },
  });
  expect(spent.error?.error).toBe("invalid_grant");
  const wrongSecret = await api.POST("/oauth/token", {
    body: { grant_type: "authorization_code", code, redirect_uri: redirectUri },
    bodySerializer: (body) => new URLSearchParams(body as Record<string, string>),
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${created.clientId}:wrong`)}`,
    },
  });
  expect(wrongSecret.error?.error).toBe("invalid_client");
  const noToken = await api.GET("/oauth/userinfo", { headers: { authorization: "" } });
  expect(noToken.response.status).toBe(401);

  // SP key rollover (after the login, which used the first pair).
  const newPair = ok(await api.POST("/api/v1/organizations/{orgId}/connections/{connId}/sp-keys/rotate", connPath));
  expect(newPair.signing).toContain("-----BEGIN CERTIFICATE-----");
  const switched = ok(await api.POST("/api/v1/organizations/{orgId}/connections/{connId}/sp-keys/activate", connPath));
  expect(switched.certificates.filter((c) => c.status === "previous").map((c) => c.role)).toEqual([
    "sp_signing",
    "sp_encryption",
  ]);
  await api.DELETE("/api/v1/organizations/{orgId}/connections/{connId}/sp-keys/previous", connPath);

  ok(await api.POST("/api/v1/organizations/{orgId}/connections/{connId}/deactivate", connPath));

  // Deletions (204, no body).
  await api.DELETE("/api/v1/webhooks/{webhookId}", hookPath);
  await api.DELETE("/api/v1/organizations/{orgId}/connections/{connId}", connPath);
  await api.DELETE("/api/v1/clients/{clientId}", { params: { path: { clientId: created.clientId } } });
  await api.DELETE("/api/v1/organizations/{orgId}", orgPath);
}

/** The dev IdP's JSON interface, then edge-sso's ACS; the ACS's redirect is checked too. */
async function signInAndCheck(system: System, checker: ResponseChecker, idpUrl: string, jar: Map<string, string>) {
  const idp = await hop(idpUrl, jar, { headers: { accept: "application/json" } });
  const { pendingId } = (await idp.json()) as { pendingId: string };
  const login = await fetch(`${system.idpUrl}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ pending: pendingId, email: "jane@example.com" }),
  });
  const post = (await login.json()) as { acsUrl: string; relayState: string; samlResponse: string };
  const acs = await hop(post.acsUrl, jar, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ SAMLResponse: post.samlResponse, RelayState: post.relayState }),
  });
  await checker.check("POST", post.acsUrl, acs);
  expect(acs.status).toBe(302);
  return acs.headers.get("location")!;
}
