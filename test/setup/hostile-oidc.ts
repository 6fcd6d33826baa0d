import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import type { TestProject } from "vitest/node";

/** What the worker tests get (test/oidc-provided.d.ts). */
export interface HostileOidcPeer {
  /** `${base}/t/{scenario}` (optionally `{scenario}~{tag}`) is an issuer behaving per the scenario. */
  base: string;
  /** A loopback URL on a port nothing listens on. */
  closedUrl: string;
  clientId: string;
  clientSecret: string;
}

const CLIENT_ID = "hostile-client";
const CLIENT_SECRET = "hostile-secret-0123456789abcdef0123456789";

interface Grant {
  scenario: string;
  clientId: string;
  redirectUri: string;
  nonce: string;
  challenge: string;
  email: string;
}

interface Keys {
  published: { key: CryptoKey; jwk: JWK };
  other: CryptoKey;
}

/**
 * A deliberately hostile OpenID provider built with jose on loopback (STYLE §9), for the
 * refusal tests. Each issuer `{base}/t/{scenario}[~tag]` serves discovery, a JWKS, an
 * authorization endpoint that redirects straight back with a code (or `error=access_denied`
 * for `deny`), a token endpoint that checks the client and PKCE and then misbehaves per the
 * scenario, and userinfo. Scenarios: good, no-email (email only in userinfo), deny,
 * token-error, token-500, wrong-key, unknown-kid, wrong-aud, aud-multi, expired, future-iat,
 * wrong-nonce, wrong-iss, alg-none, hs256, unverified. `POST {issuer}/_break` makes that
 * issuer's discovery answer 500 from then on; `GET {issuer}/_last` is its last authorization
 * request's query.
 */
export async function startHostileOidc(project: TestProject): Promise<() => Promise<void>> {
  const published = await generateKeyPair("RS256", { extractable: true });
  const keys: Keys = {
    published: {
      key: published.privateKey,
      jwk: { ...(await exportJWK(published.publicKey)), kid: "hostile-1", alg: "RS256", use: "sig" },
    },
    other: (await generateKeyPair("RS256")).privateKey,
  };
  const state = {
    broken: new Set<string>(),
    last: new Map<string, Record<string, string>>(),
    grants: new Map<string, Grant>(),
    tokens: new Map<string, string>(),
  };
  let base = "";
  const server = createServer((req, res) => {
    handle(base, keys, state, req, res).catch((error: unknown) => send(res, 500, "text/plain", String(error)));
  });
  await listen(server);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await listen(closed);
  const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  project.provide("hostileOidc", {
    base,
    closedUrl,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
  } satisfies HostileOidcPeer);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

type State = {
  broken: Set<string>;
  last: Map<string, Record<string, string>>;
  grants: Map<string, Grant>;
  tokens: Map<string, string>;
};

async function handle(
  base: string,
  keys: Keys,
  state: State,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", base);
  const match = /^\/t\/([a-z0-9-]+(?:~[A-Za-z0-9_-]+)?)(\/.*)$/.exec(url.pathname);
  if (!match) return send(res, 404, "text/plain", "not found");
  const [, tenant, path] = match as unknown as [string, string, string];
  const scenario = tenant.split("~")[0]!;
  const issuer = `${base}/t/${tenant}`;
  switch (`${req.method} ${path}`) {
    case "GET /.well-known/openid-configuration":
      if (state.broken.has(tenant)) return send(res, 500, "text/html", "<h1>Internal Server Error</h1>");
      return json(res, 200, discovery(issuer));
    case "POST /_break":
      state.broken.add(tenant);
      return json(res, 200, { broken: tenant });
    case "GET /_last":
      return json(res, 200, state.last.get(tenant) ?? null);
    case "GET /jwks":
      return json(res, 200, { keys: [keys.published.jwk] });
    case "GET /authorize":
      state.last.set(tenant, Object.fromEntries(url.searchParams));
      return authorize(scenario, url.searchParams, state, res);
    case "POST /token":
      return token(issuer, scenario, keys, state, req, res);
    case "GET /userinfo":
      return userinfo(state, req, res);
    default:
      return send(res, 404, "text/plain", "not found");
  }
}

function discovery(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    userinfo_endpoint: `${issuer}/userinfo`,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    code_challenge_methods_supported: ["S256"],
  };
}

function authorize(scenario: string, params: URLSearchParams, state: State, res: ServerResponse): void {
  const redirectUri = params.get("redirect_uri") ?? "";
  const back = new URL(redirectUri);
  back.searchParams.set("state", params.get("state") ?? "");
  if (scenario === "deny") {
    back.searchParams.set("error", "access_denied");
    back.searchParams.set("error_description", "The user declined");
  } else {
    const code = randomBytes(24).toString("base64url");
    state.grants.set(code, {
      scenario,
      clientId: params.get("client_id") ?? "",
      redirectUri,
      nonce: params.get("nonce") ?? "",
      challenge: params.get("code_challenge") ?? "",
      email: params.get("login_hint") ?? "eve@hostile.example",
    });
    back.searchParams.set("code", code);
  }
  res.writeHead(302, { location: back.toString() });
  res.end();
}

async function token(
  issuer: string,
  scenario: string,
  keys: Keys,
  state: State,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const form = new URLSearchParams(await readBody(req));
  const client = clientOf(req, form);
  if (client.id !== CLIENT_ID || client.secret !== CLIENT_SECRET) return json(res, 401, { error: "invalid_client" });
  const grant = state.grants.get(form.get("code") ?? "");
  state.grants.delete(form.get("code") ?? "");
  const verifier = form.get("code_verifier") ?? "";
  if (
    !grant ||
    grant.redirectUri !== form.get("redirect_uri") ||
    createHash("sha256").update(verifier).digest("base64url") !== grant.challenge
  ) {
    return json(res, 400, {
      error: "invalid_grant",
      error_description: "code, redirect_uri or PKCE verifier mismatch",
    });
  }
  if (scenario === "token-error")
    return json(res, 400, { error: "invalid_grant", error_description: "the code has expired" });
  if (scenario === "token-500") return send(res, 500, "text/html", "<h1>Bad Gateway</h1>");
  const accessToken = randomBytes(24).toString("base64url");
  state.tokens.set(accessToken, grant.email);
  return json(res, 200, {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: 300,
    id_token: await idToken(issuer, scenario, keys, grant),
  });
}

/** The ID token of a scenario: right in every respect but the one the scenario breaks. */
async function idToken(issuer: string, scenario: string, keys: Keys, grant: Grant): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    nonce: scenario === "wrong-nonce" ? "not-the-nonce" : grant.nonce,
    given_name: "Eve",
    family_name: "Mallory",
    groups: ["red-team"],
    ...(scenario === "no-email" ? {} : { email: grant.email, email_verified: scenario !== "unverified" }),
  };
  const aud =
    scenario === "wrong-aud"
      ? "someone-else"
      : scenario === "aud-multi"
        ? [grant.clientId, "someone-else"]
        : grant.clientId;
  const iat = scenario === "expired" ? now - 900 : scenario === "future-iat" ? now + 3600 : now;
  const exp = scenario === "expired" ? now - 600 : now + 300;
  const iss = scenario === "wrong-iss" ? "https://evil.example" : issuer;
  if (scenario === "alg-none") {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    return `${enc({ alg: "none", typ: "JWT" })}.${enc({ ...claims, iss, aud, sub: "hostile-user-1", iat, exp })}.`;
  }
  const jwt = new SignJWT(claims)
    .setIssuer(iss)
    .setAudience(aud)
    .setSubject("hostile-user-1")
    .setIssuedAt(iat)
    .setExpirationTime(exp);
  if (scenario === "hs256")
    return jwt.setProtectedHeader({ alg: "HS256", kid: "hostile-1" }).sign(new TextEncoder().encode(CLIENT_SECRET));
  const kid = scenario === "unknown-kid" ? "other-1" : "hostile-1";
  const key = scenario === "wrong-key" || scenario === "unknown-kid" ? keys.other : keys.published.key;
  return jwt.setProtectedHeader({ alg: "RS256", kid }).sign(key);
}

function userinfo(state: State, req: IncomingMessage, res: ServerResponse): void {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  const email = token ? state.tokens.get(token) : undefined;
  if (!email) return json(res, 401, { error: "invalid_token" });
  return json(res, 200, { sub: "hostile-user-1", email, email_verified: true });
}

function clientOf(req: IncomingMessage, form: URLSearchParams): { id: string | null; secret: string | null } {
  const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (!basic) return { id: form.get("client_id"), secret: form.get("client_secret") };
  const [id, secret] = Buffer.from(basic, "base64")
    .toString()
    .split(":")
    .map((v: string) => decodeURIComponent(v.replace(/\+/g, " ")));
  return { id: id ?? null, secret: secret ?? null };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, "application/json", JSON.stringify(body));
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

function listen(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}
