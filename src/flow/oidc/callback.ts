import type { Env } from "../../env";
import { browserBindingHashes, clearBindingCookie } from "../browser-binding";
import type { BrowserFailureReason } from "../failure-reasons";
import { loginFailureResponse, type LoginFailure, type TrustedRedirect } from "../login-error";
import { route, type RouteContext } from "../../http/route";
import { orgIdOfToken } from "../../lib/ids";
import type { PendingLogin } from "../../store/org/login-types";
import { orgOp } from "../../store/stores";
import { findConnectionOfType } from "../find-connection";
import { withRetry } from "../retry-login";

/**
 * GET /oidc/callback (SPEC §3): the upstream IdP's redirect. A pipeline: `state` names the
 * org (an org token) and its pending login, consumed exactly once; the login must belong to
 * this browser; an IdP `error` ends here; otherwise the code is exchanged and the ID token
 * verified. Every failure is an HTML page with a reference id (or an `access_denied`
 * redirect the user caused) — an unexpected one too, rendered by the router for this
 * route's `browser` audience.
 */
async function oidcCallback({ request, env, url }: RouteContext): Promise<Response> {
  const params = url.searchParams;
  const state = params.get("state");
  const organizationId = state ? orgIdOfToken(state) : null;
  const fail = (
    reason: BrowserFailureReason,
    detail: string,
    connectionId: string | null = null,
    headers?: HeadersInit,
  ) => loginFailureResponse(env, { reason, detail, organizationId, connectionId }, undefined, headers);
  if (!state || !organizationId) return fail("unknown_state", "the callback has no state, or one that names no org");
  const claim = await orgOp(env, organizationId, "consumePendingLogin", {
    relayState: state,
    browserHashes: await browserBindingHashes(request),
  });
  if (!claim.ok) {
    return claim.reason === "browser_mismatch"
      ? fail("browser_mismatch", "the pending login was started in another browser")
      : fail("unknown_state", "state names no pending login (expired, used or forged)");
  }
  const pending = claim.pending;
  const headers = { "set-cookie": clearBindingCookie(pending.requestId) };
  const connection = await findConnectionOfType(env, organizationId, pending.connectionId, "oidc");
  const upstream = upstreamOf(pending);
  if (!connection || !upstream)
    return fail(
      "connection_mismatch",
      "the pending login is not for an OIDC connection",
      pending.connectionId,
      headers,
    );
  const input = { connection, pending, upstream, params, now: Date.now() };
  if (pending.setupTest) {
    // A setup portal test sign-in (SPEC §9): verified like a login, ends on the portal, mints no code.
    const { completeOidcTestSignIn } = await import("../../portal/oidc-test-sign-in");
    return completeOidcTestSignIn(env, { ...input, headers });
  }
  const idpError = params.get("error");
  if (idpError !== null) return idpErrorResponse(env, pending, idpError, params.get("error_description"), headers);
  // The code exchange (oauth4webapi) is loaded by an isolate's first OIDC callback, not at start.
  const { completeOidcLogin } = await import("./complete-oidc-login");
  const outcome = await completeOidcLogin(env, input);
  if (!outcome.ok)
    return loginFailureResponse(env, withRetry(env, outcome.failure, pending), outcome.redirect, headers);
  return new Response(null, {
    status: 302,
    headers: { location: outcome.location, "cache-control": "no-store", ...headers },
  });
}

/**
 * The IdP answered with an error (OIDC Core §3.1.2.6). The user declining (`access_denied`)
 * goes back to the app as `access_denied` (its redirect URI is trusted); any other error
 * ends on the error page, with the IdP's code (already in the URL); its description goes
 * only to the audit log.
 */
function idpErrorResponse(
  env: Env,
  pending: PendingLogin,
  error: string,
  description: string | null,
  headers: Record<string, string>,
): Promise<Response> {
  const { code, detail } = idpErrorDetail(error, description);
  const failure: LoginFailure = {
    reason: "idp_error",
    detail,
    organizationId: orgIdOfToken(pending.relayState),
    connectionId: pending.connectionId,
    ...(code === "access_denied" ? {} : { idpErrorCode: code }),
  };
  const target: TrustedRedirect = { redirectUri: pending.redirectUri, state: pending.state };
  return loginFailureResponse(
    env,
    withRetry(env, failure, pending),
    code === "access_denied" ? { target, oauthError: "access_denied" } : undefined,
    headers,
  );
}

/** The IdP's error code (printable ASCII, else `invalid_error_code`) and the detail the audit log keeps. */
export function idpErrorDetail(error: string, description: string | null): { code: string; detail: string } {
  const code = /^[\x21-\x7e]{1,64}$/.test(error) ? error : "invalid_error_code";
  return { code, detail: `the IdP answered error=${code}${description ? `: ${description.slice(0, 500)}` : ""}` };
}

function upstreamOf(pending: PendingLogin): { codeVerifier: string; nonce: string } | null {
  const codeVerifier = pending.upstream?.codeVerifier;
  const nonce = pending.upstream?.nonce;
  return codeVerifier && nonce ? { codeVerifier, nonce } : null;
}

export const oidcCallbackRoute = route({
  method: "GET",
  path: "/oidc/callback",
  tag: "Login",
  access: "public",
  audience: "browser",
  summary: "OpenID Connect redirect URI for upstream IdPs (code exchanged, ID token verified)",
  success: {
    status: 302,
    description: "Redirect to the app's redirect_uri with code and state",
  },
  failureScope: (url) => {
    const state = url.searchParams.get("state");
    return { organizationId: state ? orgIdOfToken(state) : null, connectionId: null };
  },
  handler: oidcCallback,
});
