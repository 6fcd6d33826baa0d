import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";
// The provider's own in-memory store, named explicitly: it warns on every start when left to
// its default, a warning meant for deployments; this peer lives as long as one test run.
import { createMemoryAdapter } from "oidc-provider/lib/adapters/memory_adapter.js";
import type { TestProject } from "vitest/node";

/** Where edge-sso's tests run (vitest.config.ts TEST_BINDINGS.PUBLIC_URL). */
const EDGE_SSO_CALLBACK = "https://sso.test/oidc/callback";
/** The one password of every test account. */
const PASSWORD = "correct horse battery staple";

/** What the worker tests get (test/oidc-provided.d.ts). */
export interface OidcProviderPeer {
  issuer: string;
  password: string;
  clients: { basic: { clientId: string; clientSecret: string }; post: { clientId: string; clientSecret: string } };
}

interface Account {
  email: string;
  claims: Record<string, unknown>;
}

/**
 * A real OpenID provider — panva's `oidc-provider` — on a loopback port, for whole OIDC
 * logins from inside workerd. Two registered clients (client_secret_basic and
 * client_secret_post) redirect to edge-sso's callback. Its login interaction is a real HTML
 * form the tests drive by HTTP: any email signs in with PASSWORD, as an account made for that
 * email (`email_verified` false when the local part starts with `unverified`). Consent is
 * granted automatically (loadExistingGrant), as for a first-party client. As by default,
 * ID tokens carry only `sub` when an access token is issued: email and profile come from userinfo.
 */
export async function startOidcProvider(project: TestProject): Promise<() => Promise<void>> {
  const { peer, close } = await startOidcPeer([EDGE_SSO_CALLBACK]);
  project.provide("oidcProvider", peer);
  return close;
}

/** The provider itself, its clients redirecting to `callbacks` (the whole-system tests use their own). */
export async function startOidcPeer(
  callbacks: string[],
): Promise<{ peer: OidcProviderPeer; close: () => Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const peer: OidcProviderPeer = {
    issuer,
    password: PASSWORD,
    clients: {
      basic: { clientId: "edge-sso-basic", clientSecret: "basic-secret-0123456789abcdef0123456789" },
      post: { clientId: "edge-sso-post", clientSecret: "post-secret-0123456789abcdef0123456789" },
    },
  };
  const accounts = new Map<string, Account>();
  const provider = await buildProvider(peer, accounts, callbacks);
  const callback = provider.callback();
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", issuer).pathname;
    if (!path.startsWith("/interaction/")) return callback(req, res);
    interaction(provider, accounts, req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });
  return { peer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function buildProvider(peer: OidcProviderPeer, accounts: Map<string, Account>, callbacks: string[]) {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "oidc-provider-test-1", alg: "RS256", use: "sig" };
  const client = (c: { clientId: string; clientSecret: string }, method: string) => ({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    redirect_uris: callbacks,
    token_endpoint_auth_method: method,
    grant_types: ["authorization_code"],
    response_types: ["code"],
  });
  return new Provider(peer.issuer, {
    adapter: createMemoryAdapter(),
    clients: [client(peer.clients.basic, "client_secret_basic"), client(peer.clients.post, "client_secret_post")],
    jwks: { keys: [jwk] },
    cookies: { keys: ["oidc-provider-test-cookie-key-0123456789"] },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["given_name", "family_name", "name"],
      groups: ["groups"],
    },
    scopes: ["openid", "email", "profile", "groups"],
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    // Set explicitly: the defaults work, but each one prints a "define the expiration" notice.
    ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx: unknown, sub: string) {
      const account = accounts.get(sub);
      return account ? { accountId: sub, claims: async () => ({ sub, ...account.claims }) } : undefined;
    },
    loadExistingGrant: autoGrant,
  } as never);
}

/** Grants what the client asked for once the user is signed in (a first-party client: no consent screen). */
async function autoGrant(ctx: any) {
  const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
  if (grantId) return ctx.oidc.provider.Grant.find(grantId);
  if (!ctx.oidc.session.accountId) return undefined;
  const grant = new ctx.oidc.provider.Grant({
    clientId: ctx.oidc.client.clientId,
    accountId: ctx.oidc.session.accountId,
  });
  grant.addOIDCScope(String(ctx.oidc.params.scope ?? "openid"));
  await grant.save();
  return grant;
}

/** The login form (GET /interaction/:uid) and its submission (POST /interaction/:uid/login). */
async function interaction(
  provider: any,
  accounts: Map<string, Account>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  const uid = details.uid as string;
  if (req.method === "GET") return loginForm(res, uid, String(details.params.login_hint ?? ""), null);
  const form = new URLSearchParams(await readBody(req));
  const email = (form.get("login") ?? "").trim().toLowerCase();
  if (form.get("password") !== PASSWORD || !email.includes("@"))
    return loginForm(res, uid, email, "Wrong email or password.");
  const accountId = `acct-${createHash("sha256").update(email).digest("hex").slice(0, 16)}`;
  const local = email.slice(0, email.indexOf("@"));
  accounts.set(accountId, {
    email,
    claims: {
      email,
      email_verified: !local.startsWith("unverified"),
      given_name: "Ada",
      family_name: "Lovelace",
      name: "Ada Lovelace",
      groups: ["engineering", "admins"],
    },
  });
  await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
}

function loginForm(res: ServerResponse, uid: string, login: string, error: string | null): void {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  res.writeHead(error ? 401 : 200, { "content-type": "text/html; charset=utf-8" });
  res.end(
    `<!doctype html><title>Sign in</title>${error ? `<p class="error">${esc(error)}</p>` : ""}` +
      `<form method="post" action="/interaction/${esc(uid)}/login"><input name="login" value="${esc(login)}">` +
      `<input name="password" type="password"><button>Sign in</button></form>`,
  );
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
