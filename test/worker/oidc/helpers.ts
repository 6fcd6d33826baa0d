/**
 * Helpers of the OIDC connection tests. Everything goes through the worker's own entry
 * point (`exports.default.fetch`) and real loopback peers started by test/setup: the
 * real OpenID provider (oidc-provider) and the hostile one (jose). Redirects are followed
 * by hand, cookies carried by a small jar, as a browser would.
 */
import { expect } from "vitest";

export { admin, BASE, pkcePair, REDIRECT_URI, ROOT_KEY, send, type Reply } from "../worker-client";
import { admin, BASE, pkcePair, REDIRECT_URI, send, type Reply } from "../worker-client";

/** An org with a fresh domain and an active OIDC connection. */
export interface OidcTenant {
  orgId: string;
  connectionId: string;
  domain: string;
}

/** Creates an org, an OIDC connection with `oidc` fields, and activates it, through the admin API. */
export async function createOidcTenant(
  oidc: Record<string, unknown>,
  org: Record<string, unknown> = {},
): Promise<OidcTenant> {
  const domain = `oidc-${crypto.randomUUID().slice(0, 8)}.example.com`;
  const created = await admin("POST", "organizations", { name: "OIDC Test Corp", domains: [domain], ...org });
  const orgId = created.body.id as string;
  const connection = await admin("POST", `organizations/${orgId}/connections`, { type: "oidc", oidc });
  const connectionId = connection.body.id as string;
  await admin("POST", `organizations/${orgId}/connections/${connectionId}/activate`, {});
  return { orgId, connectionId, domain };
}

/** An OAuth client of the app with REDIRECT_URI. */
export async function createClient(): Promise<{ clientId: string; clientSecret: string }> {
  const reply = await admin("POST", "clients", { name: "OIDC test app", redirectUris: [REDIRECT_URI] });
  return { clientId: reply.body.clientId, clientSecret: reply.body.clientSecret };
}

/** A login started at /oauth/authorize: where it sends the browser, and the binding cookie. */
export interface StartedLogin {
  reply: Reply;
  /** The IdP authorization URL edge-sso redirected to. */
  idpUrl: URL;
  /** `name=value` of the browser-binding cookie. */
  bindingCookie: string;
  appState: string;
  appNonce: string;
  verifier: string;
}

/** GET /oauth/authorize for `email` and expects a 302 to the IdP with the binding cookie. */
export async function startLogin(clientId: string, email: string): Promise<StartedLogin> {
  const { verifier, challenge } = await pkcePair();
  const appState = `app-state-${crypto.randomUUID()}`;
  const appNonce = `app-nonce-${crypto.randomUUID()}`;
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: "openid email profile",
    state: appState,
    nonce: appNonce,
    code_challenge: challenge,
    code_challenge_method: "S256",
    login_hint: email,
  });
  const reply = await send(`/oauth/authorize?${query}`);
  expect(reply.status, reply.text).toBe(302);
  const bindingCookie = (reply.headers.get("set-cookie") ?? "").split(";")[0]!;
  expect(bindingCookie).toMatch(/^esso_/);
  return { reply, idpUrl: new URL(reply.headers.get("location")!), bindingCookie, appState, appNonce, verifier };
}

/** Calls our callback with the IdP's redirect URL, with or without the binding cookie. */
export function callback(callbackUrl: string, bindingCookie: string | null): Promise<Reply> {
  expect(callbackUrl.startsWith(`${BASE}/oidc/callback?`), callbackUrl).toBe(true);
  return send(callbackUrl, bindingCookie ? { headers: { cookie: bindingCookie } } : {});
}

/** Expects the browser back at the app with a code and its state; returns the code. */
export function expectCodeRedirect(reply: Reply, appState: string): string {
  expect(reply.status, reply.text).toBe(302);
  const location = new URL(reply.headers.get("location")!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  expect(location.searchParams.get("state")).toBe(appState);
  expect(location.searchParams.get("error")).toBeNull();
  return location.searchParams.get("code")!;
}

/** Expects the HTML error page and returns the reason the org's (or app's) audit log holds for it. */
export async function expectErrorPage(reply: Reply, orgId: string | null): Promise<string> {
  expect(reply.status, reply.text).toBe(400);
  expect(reply.headers.get("content-type")).toMatch(/^text\/html/);
  const referenceId = /Reference: (ref_[0-9a-z]+)/.exec(reply.text)?.[1];
  expect(referenceId, reply.text).toBeDefined();
  return reasonOf(orgId, referenceId!);
}

/** The audit log's reason for a failure's reference id. */
export async function reasonOf(orgId: string | null, referenceId: string): Promise<string> {
  const path = orgId
    ? `organizations/${orgId}/events?type=login.failed&limit=100`
    : "events?type=login.failed&limit=100";
  const events = (await admin("GET", path)).body.data as Array<{
    data: { referenceId?: string; reason?: string; detail?: string };
  }>;
  const event = events.find((e) => e.data.referenceId === referenceId);
  expect(event, `no login.failed event for ${referenceId}`).toBeDefined();
  return event!.data.reason!;
}

/** Expects an RFC 6749 §4.1.2.1 error redirect to the app; returns its reason in the audit log. */
export async function expectErrorRedirect(
  reply: Reply,
  orgId: string,
  error: string,
  appState: string,
): Promise<string> {
  expect(reply.status, reply.text).toBe(302);
  const location = new URL(reply.headers.get("location")!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  expect(location.searchParams.get("error")).toBe(error);
  expect(location.searchParams.get("state")).toBe(appState);
  expect(location.searchParams.get("code")).toBeNull();
  const referenceId = /reference (ref_[0-9a-z]+)/.exec(location.searchParams.get("error_description") ?? "")?.[1];
  return reasonOf(orgId, referenceId!);
}

/** POST /oauth/token with client_secret_basic. */
export function redeemCode(
  client: { clientId: string; clientSecret: string },
  code: string,
  verifier: string,
): Promise<Reply> {
  return send("/oauth/token", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}`,
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }).toString(),
  });
}

/**
 * A browser's cookie store for one IdP origin: every Set-Cookie kept by name (paths are
 * ignored; the tests talk to one provider), sent back on each request.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const pair = line.split(";")[0]!;
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** fetch() to a loopback peer without following redirects, carrying and storing the jar's cookies. */
export async function browse(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header();
  if (cookie) headers.set("cookie", cookie);
  const response = await fetch(url, { ...init, headers, redirect: "manual" });
  jar.store(response.headers);
  return response;
}

/**
 * Plays the browser at the real provider (test/setup/oidc-provider.ts): its authorization
 * endpoint, the login form (filled in and posted), and the redirects that follow, until the
 * provider sends the browser back to edge-sso's callback. Returns that callback URL, or
 * `login refused: <status>` when the password is not the provider's.
 */
export async function signInAtOidcProvider(
  provider: { issuer: string; password: string },
  idpUrl: URL | string,
  email: string,
  options: { password?: string; loginHint?: string } = {},
): Promise<string> {
  const password = options.password ?? provider.password;
  const jar = new CookieJar();
  let response = await browse(jar, idpUrl.toString());
  for (let hop = 0; hop < 10; hop++) {
    const location = response.headers.get("location");
    if (location?.startsWith(`${BASE}/oidc/callback`)) return location;
    if (location) {
      response = await browse(jar, new URL(location, provider.issuer).toString());
      continue;
    }
    const html = await response.text();
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    expect(action, `${response.status} ${html}`).toBeDefined();
    if (options.loginHint) expect(html).toContain(`value="${options.loginHint}"`);
    response = await browse(jar, new URL(action!, provider.issuer).toString(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ login: email, password }).toString(),
    });
    if (password !== provider.password) return `login refused: ${response.status}`;
  }
  throw new Error("the provider never redirected back to edge-sso");
}

/** Loads the worker and its signing key once, so the first test's clock does not pay for it. */
export async function warmUp(): Promise<void> {
  await send("/.well-known/jwks.json");
  await createClient();
}
