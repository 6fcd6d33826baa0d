// A tiny sample app: what a customer's app does with edge-sso. "/" links to a login that
// starts a standard OIDC authorization-code flow with PKCE; "/callback" exchanges the code
// at edge-sso's token endpoint, verifies the ID token against its JWKS with jose, and shows
// the decoded token and the normalized profile. "/logout" signs out through edge-sso's
// /oauth/logout (RP-Initiated Logout 1.0) with the ID token as id_token_hint; edge-sso ends the
// session (and the IdP's, for SAML) and returns to "/signed-out" with the state it was given.
import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { createRemoteJWKSet, jwtVerify } from "jose";

const b64url = (buf) => Buffer.from(buf).toString("base64url");
const escape = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/**
 * Starts the sample app. `issuer` is edge-sso's PUBLIC_URL. Register a confidential client
 * whose redirect URI is the returned `redirectUri`, then hand it over with `setClient`.
 * @param {{issuer: string, port?: number, host?: string, loginHint?: string}} options
 */
export async function startSampleApp({ issuer, port = 0, host = "127.0.0.1", loginHint }) {
  let clientId = "";
  let clientSecret = "";
  const sessions = new Map();
  /** Signed-in users by the app's own session cookie: their ID token, for the logout's id_token_hint. */
  const signedIn = new Map();
  /** Logouts on their way, by state. */
  const loggingOut = new Set();
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  let base = "";

  const page = (title, body) =>
    `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}pre{background:#f6f8fa;padding:1rem;border-radius:6px;overflow:auto}a.button{display:inline-block;background:#0969da;color:#fff;padding:.6rem 1rem;border-radius:6px;text-decoration:none}</style></head><body>${body}</body></html>`;

  async function handle(req, res) {
    const url = new URL(req.url, base);
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(
        page(
          "Sample app",
          `<h1>Sample app</h1><p>This app signs its users in through edge-sso.</p><p><a class="button" id="login" href="/login">Sign in with SSO</a></p>`,
        ),
      );
    }
    if (url.pathname === "/login") {
      const state = b64url(randomBytes(16));
      const verifier = b64url(randomBytes(32));
      const nonce = b64url(randomBytes(16));
      sessions.set(state, { verifier, nonce });
      const authorize = new URL(`${issuer}/oauth/authorize`);
      const params = {
        response_type: "code",
        client_id: clientId,
        redirect_uri: `${base}/callback`,
        scope: "openid email profile",
        state,
        nonce,
        code_challenge: b64url(createHash("sha256").update(verifier).digest()),
        code_challenge_method: "S256",
      };
      for (const [k, v] of Object.entries(params)) authorize.searchParams.set(k, v);
      const hint = url.searchParams.get("login_hint") ?? loginHint;
      if (hint) authorize.searchParams.set("login_hint", hint);
      res.writeHead(302, { location: authorize.toString() });
      return res.end();
    }
    if (url.pathname === "/callback") return callback(url, res);
    if (url.pathname === "/logout") return logout(req, res);
    if (url.pathname === "/signed-out") return signedOut(url, res);
    res.writeHead(404).end("not found");
  }

  function logout(req, res) {
    const cookie = /(?:^|;\s*)sample_session=([^;]+)/.exec(req.headers.cookie ?? "")?.[1] ?? "";
    const user = signedIn.get(cookie);
    signedIn.delete(cookie);
    const end = new URL(`${issuer}/oauth/logout`);
    const state = b64url(randomBytes(16));
    loggingOut.add(state);
    if (user) end.searchParams.set("id_token_hint", user.idToken);
    end.searchParams.set("client_id", clientId);
    end.searchParams.set("post_logout_redirect_uri", `${base}/signed-out`);
    end.searchParams.set("state", state);
    res.writeHead(302, { location: end.toString(), "set-cookie": "sample_session=; Path=/; Max-Age=0; HttpOnly" });
    res.end();
  }

  function signedOut(url, res) {
    const state = url.searchParams.get("state") ?? "";
    const known = loggingOut.delete(state);
    res.writeHead(known ? 200 : 400, { "content-type": "text/html; charset=utf-8" });
    res.end(
      page(
        "Signed out",
        known
          ? `<h1 id="signed-out">Signed out</h1><p>edge-sso ended the session and sent you back here with this app's state.</p><p><a class="button" href="/login">Sign in again</a></p>`
          : `<h1>Unknown logout</h1><p id="error">state ${escape(state)} is not a logout this app started</p>`,
      ),
    );
  }

  async function callback(url, res) {
    const error = url.searchParams.get("error");
    const session = sessions.get(url.searchParams.get("state") ?? "");
    if (error || !session) {
      res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      return res.end(
        page(
          "Sign-in failed",
          `<h1>Sign-in failed</h1><p id="error">${escape(error ?? "unknown state")}: ${escape(url.searchParams.get("error_description") ?? "")}</p>`,
        ),
      );
    }
    sessions.delete(url.searchParams.get("state"));
    const tokenResponse = await fetch(`${issuer}/oauth/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`,
      },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: url.searchParams.get("code") ?? "",
        redirect_uri: `${base}/callback`,
        code_verifier: session.verifier,
      }),
    });
    const tokens = await tokenResponse.json();
    if (!tokenResponse.ok) {
      res.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      return res.end(
        page(
          "Token exchange failed",
          `<h1>Token exchange failed</h1><pre id="error">${escape(JSON.stringify(tokens, null, 2))}</pre>`,
        ),
      );
    }
    const { payload } = await jwtVerify(tokens.id_token, jwks, { issuer, audience: clientId });
    if (payload.nonce !== session.nonce) throw new Error("nonce mismatch");
    const appSession = b64url(randomBytes(16));
    signedIn.set(appSession, { idToken: tokens.id_token });
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      "set-cookie": `sample_session=${appSession}; Path=/; HttpOnly; SameSite=Lax`,
    });
    res.end(
      page(
        "Signed in",
        `<h1>Signed in as <span id="email">${escape(payload.email)}</span></h1>` +
          `<h2>ID token (verified against edge-sso's JWKS)</h2><pre id="id-token">${escape(JSON.stringify(payload, null, 2))}</pre>` +
          `<h2>Profile</h2><pre id="profile">${escape(JSON.stringify(tokens.profile, null, 2))}</pre>` +
          `<p><a class="button" id="logout" href="/logout">Sign out</a> <a href="/">Back</a></p>`,
      ),
    );
  }

  const server = createServer((req, res) =>
    handle(req, res).catch((err) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`sample app error: ${err.message}`);
    }),
  );
  await new Promise((resolve) => server.listen(port, host, resolve));
  base = `http://${host}:${server.address().port}`;
  return {
    url: base,
    redirectUri: `${base}/callback`,
    postLogoutRedirectUri: `${base}/signed-out`,
    setClient(client) {
      clientId = client.clientId;
      clientSecret = client.clientSecret;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
