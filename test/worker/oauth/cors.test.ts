/**
 * CORS for browser apps (issue 16 item 3, SPEC §2 clients.allowedOrigins): a single-page app
 * with PKCE calls discovery, JWKS, token and userinfo from its own origin. Discovery and JWKS
 * answer `*`; a preflight to token or userinfo is answered for an origin some client
 * registers; the request itself must come from one of its own client's origins.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  createTenant,
  expectOAuthError,
  issueCode,
  pkcePair,
  REDIRECT_URI,
  send,
  tokenRequest,
  type Reply,
  type Tenant,
} from "./helpers";

const SPA = "https://spa.example.com";
const OTHER_SPA = "https://other-spa.example.com:8443";
const STRANGER = "https://evil.example.net";

let tenant: Tenant;
let spa: { clientId: string };

beforeAll(async () => {
  tenant = await createTenant();
  const created = await admin("POST", "clients", {
    name: "SPA",
    redirectUris: [REDIRECT_URI],
    public: true,
    allowedOrigins: [SPA, "http://localhost:5173"],
  });
  spa = created.body;
  // Another client registers OTHER_SPA: a preflight from it is answered, its requests for SPA's codes are not.
  await admin("POST", "clients", {
    name: "Other SPA",
    redirectUris: [REDIRECT_URI],
    public: true,
    allowedOrigins: [OTHER_SPA],
  });
}, 60_000);

const preflight = (path: string, origin: string, method = "POST") =>
  send(path, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type" },
  });

/** A PKCE code for the client, exchanged from `origin` (null: a server-side call with no Origin). */
async function exchange(clientId: string, origin: string | null): Promise<Reply> {
  const { verifier, challenge } = await pkcePair();
  const code = await issueCode(tenant, { clientId, codeChallenge: challenge });
  return tokenRequest(
    {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: verifier,
    },
    origin === null ? {} : { origin },
  );
}

describe("discovery and JWKS", () => {
  it("answer any origin, preflight included", async () => {
    for (const path of ["/.well-known/openid-configuration", "/.well-known/jwks.json"]) {
      const reply = await send(path, { headers: { origin: STRANGER } });
      expect(reply.status, path).toBe(200);
      expect(reply.headers.get("access-control-allow-origin"), path).toBe("*");
      const pre = await preflight(path, STRANGER, "GET");
      expect(pre.status, path).toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBe("*");
      expect(pre.headers.get("access-control-allow-methods")).toBe("GET");
    }
  });
});

describe("preflight to /oauth/token and /oauth/userinfo", () => {
  it("is answered for an origin some client registers, with the methods and headers a browser may use", async () => {
    for (const origin of [SPA, OTHER_SPA, "http://localhost:5173"]) {
      const reply = await preflight("/oauth/token", origin);
      expect(reply.status, origin).toBe(204);
      expect(reply.headers.get("access-control-allow-origin")).toBe(origin);
      expect(reply.headers.get("access-control-allow-methods")).toBe("POST");
      expect(reply.headers.get("access-control-allow-headers")).toBe("authorization, content-type");
      expect(reply.headers.get("vary")).toBe("Origin");
      expect(Number(reply.headers.get("access-control-max-age"))).toBeGreaterThan(0);
    }
    const userinfo = await preflight("/oauth/userinfo", SPA, "GET");
    expect(userinfo.status).toBe(204);
    expect(userinfo.headers.get("access-control-allow-methods")).toBe("GET, POST");
  });

  it("is refused, with no CORS header, for an origin no client registers (or one spelled differently)", async () => {
    for (const origin of [STRANGER, "https://SPA.example.com", `${SPA}:443`, "null", `${SPA}/`]) {
      const reply = await preflight("/oauth/token", origin);
      expect(reply.status, origin).toBe(403);
      expect(reply.headers.get("access-control-allow-origin"), origin).toBeNull();
    }
  });
});

describe("POST /oauth/token from a browser", () => {
  it("answers its own client's origin with the tokens and Access-Control-Allow-Origin", async () => {
    const reply = await exchange(spa.clientId, SPA);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers.get("access-control-allow-origin")).toBe(SPA);
    expect(reply.headers.get("vary")).toBe("Origin");
    expect(reply.body.id_token).toEqual(expect.any(String));
  });

  it("refuses an origin registered only by another client, before the code is spent", async () => {
    const { verifier, challenge } = await pkcePair();
    const code = await issueCode(tenant, { clientId: spa.clientId, codeChallenge: challenge });
    const params = {
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      client_id: spa.clientId,
      code_verifier: verifier,
    };
    const refused = await tokenRequest(params, { origin: OTHER_SPA });
    expectOAuthError(refused, 400, "invalid_request", /allowedOrigins/);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    // The code still works from the right origin.
    expect((await tokenRequest(params, { origin: SPA })).status).toBe(200);
  });

  it("keeps working server-side, with no Origin and no CORS header", async () => {
    const reply = await exchange(spa.clientId, null);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets its own origin read a token error", async () => {
    const reply = await tokenRequest(
      {
        grant_type: "authorization_code",
        code: `${tenant.orgId.slice(4)}.nope`,
        redirect_uri: REDIRECT_URI,
        client_id: spa.clientId,
        code_verifier: "a".repeat(43),
      },
      { origin: SPA },
    );
    expectOAuthError(reply, 400, "invalid_grant");
    expect(reply.headers.get("access-control-allow-origin")).toBe(SPA);
  });
});

describe("GET /oauth/userinfo from a browser", () => {
  it("answers the token's client's origins only", async () => {
    const token = (await exchange(spa.clientId, SPA)).body.access_token as string;
    const call = (origin: string | null) =>
      send("/oauth/userinfo", { headers: { authorization: `Bearer ${token}`, ...(origin ? { origin } : {}) } });
    const ok = await call(SPA);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(SPA);
    expect(ok.body.email).toBe(`ada@${tenant.domain}`);
    const refused = await call(OTHER_SPA);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe("invalid_request");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    const server = await call(null);
    expect(server.status).toBe(200);
    expect(server.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("PATCH /api/v1/clients/{clientId}", () => {
  it("changes allowedOrigins, and the change applies to the next preflight and request", async () => {
    const created = await admin("POST", "clients", { name: "Later SPA", redirectUris: [REDIRECT_URI], public: true });
    expect(created.body.allowedOrigins).toEqual([]);
    const origin = "https://later-spa.example.com";
    expect((await preflight("/oauth/token", origin)).status).toBe(403);
    const patched = await admin("PATCH", `clients/${created.body.clientId}`, { allowedOrigins: [origin] });
    expect(patched.body.allowedOrigins).toEqual([origin]);
    expect((await preflight("/oauth/token", origin)).status).toBe(204);
    expect((await exchange(created.body.clientId, origin)).status).toBe(200);
    await admin("PATCH", `clients/${created.body.clientId}`, { allowedOrigins: [] });
    expect((await preflight("/oauth/token", origin)).status).toBe(403);
    expect((await exchange(created.body.clientId, origin)).status).toBe(400);
  });
});
