import * as oauth from "oauth4webapi";
import type { Env } from "../../env";
import type { StartResult } from "../start-login";
import type { PendingLogin } from "../../store/org/login-types";
import type { OidcConnection } from "../../store/org/types";
import { oidcCallbackUrl, resolveIdp } from "../../oidc/resolve-idp";

/**
 * Sends the browser to the upstream IdP's authorization endpoint (OIDC Core §3.1.2.1):
 * authorization code flow with `state` (the pending login's org token, so the callback
 * finds the org without a lookup), a fresh `nonce`, and PKCE S256 (RFC 7636). The verifier
 * and nonce stay in the pending login (`upstream`), never in the browser.
 */
export async function startOidc(
  env: Env,
  connection: OidcConnection,
  pending: PendingLogin,
  now: number,
): Promise<StartResult> {
  const resolved = await resolveIdp(env, connection, now);
  if (!resolved.ok) return resolved;
  const { as, settings } = resolved.idp;
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const nonce = oauth.generateRandomNonce();
  const location = new URL(as.authorization_endpoint!);
  const params = location.searchParams;
  params.set("client_id", settings.clientId);
  params.set("redirect_uri", oidcCallbackUrl(env.PUBLIC_URL));
  params.set("response_type", "code");
  params.set("scope", upstreamScope(settings.scopes));
  params.set("state", pending.relayState);
  params.set("nonce", nonce);
  params.set("code_challenge", await oauth.calculatePKCECodeChallenge(codeVerifier));
  params.set("code_challenge_method", "S256");
  if (settings.prompt) params.set("prompt", settings.prompt);
  if (settings.passLoginHint && pending.loginHint) params.set("login_hint", pending.loginHint);
  return {
    ok: true,
    upstream: { codeVerifier, nonce },
    response: new Response(null, {
      status: 302,
      headers: { location: location.toString(), "cache-control": "no-store" },
    }),
  };
}

/** The configured scopes, space-separated, always with `openid` (OIDC Core §3.1.2.1). */
export function upstreamScope(scopes: string | string[]): string {
  const list = (Array.isArray(scopes) ? scopes : scopes.split(/\s+/)).filter((s) => s.length > 0);
  return [...new Set(["openid", ...list])].join(" ");
}
