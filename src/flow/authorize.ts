import type { Env } from "../env";
import { route, type RouteContext } from "../http/route";
import { newOrgToken } from "../lib/ids";
import {
  routeLoginByConnection,
  routeLoginByEmail,
  routeLoginByOrganization,
  type LoginRoute,
  type RouteFailure,
} from "../domains/route-login";
import { appOp, orgOp } from "../store/stores";
import type { PendingLogin } from "../store/org/login-types";
import {
  checkAuthorizeRequest,
  readClientParams,
  redirectUriRegistered,
  type AuthorizeRequest,
} from "./authorize-request";
import { newBrowserBinding, BINDING_MAX_AGE_SECONDS } from "./browser-binding";
import { emailPage } from "./email-page";
import { loginFailureResponse, type TrustedRedirect } from "./login-error";
import { startLogin } from "./start-login";

/**
 * GET /oauth/authorize (alias /sso/start): a pipeline of checks (SPEC §3). The client and
 * the exact redirect URI come first; until both hold, failures are an HTML page, never a
 * redirect (RFC 6749 §4.1.2.1).
 */
async function authorize({ env, url, exec }: RouteContext): Promise<Response> {
  const params = url.searchParams;
  const clientParams = readClientParams(params);
  if (!clientParams.ok) return failPage(env, "invalid_client_params", clientParams.detail);
  const client = await appOp(env, "clients", "getClient", { clientId: clientParams.clientId });
  if (!client) return failPage(env, "unknown_client", `client_id ${clientParams.clientId} is not registered`);
  if (!redirectUriRegistered(clientParams.redirectUri, client.redirectUris)) {
    return failPage(
      env,
      "redirect_uri_mismatch",
      `redirect_uri ${clientParams.redirectUri} is not registered for ${client.clientId}`,
    );
  }
  const check = checkAuthorizeRequest(params, {
    clientId: client.clientId,
    redirectUri: clientParams.redirectUri,
    isPublic: client.public,
  });
  const trusted: TrustedRedirect = { redirectUri: clientParams.redirectUri, state: params.get("state") || null };
  if (!check.ok) {
    return loginFailureResponse(
      env,
      {
        reason: check.error,
        detail: check.description,
        organizationId: null,
        connectionId: null,
        message: check.description,
      },
      { target: trusted, oauthError: check.error },
    );
  }
  const req = check.request;
  if (!req.loginHint && !req.organizationId && !req.connectionId) return emailPage(url.pathname, params);
  const routed = await routeRequest(env, req, exec);
  if (!routed.ok) return routingFailure(env, url, req, routed.reason, trusted);
  const refusal = await refuseNonMember(env, req, routed);
  if (refusal) return loginFailureResponse(env, refusal, { target: trusted, oauthError: "access_denied" });
  return begin(env, req, routed);
}

function routeRequest(env: Env, req: AuthorizeRequest, exec: ExecutionContext): Promise<LoginRoute> {
  if (req.connectionId) return routeLoginByConnection(env, req.connectionId);
  if (req.organizationId) return routeLoginByOrganization(env, req.organizationId);
  return routeLoginByEmail(env, req.loginHint!, exec);
}

const ROUTING_MESSAGES: Record<RouteFailure, string> = {
  invalid_email: "Enter a valid work email address.",
  unknown_domain: "Single sign-on is not set up for this email domain.",
  unverified_domain: "Single sign-on is not set up for this email domain yet.",
  unknown_organization: "This organization does not exist.",
  unknown_connection: "This sign-in connection does not exist.",
  sso_not_allowed: "Single sign-on is disabled for this organization.",
  no_active_connection: "Single sign-on is not active for this organization.",
};

async function routingFailure(
  env: Env,
  url: URL,
  req: AuthorizeRequest,
  reason: RouteFailure,
  trusted: TrustedRedirect,
): Promise<Response> {
  const message = ROUTING_MESSAGES[reason];
  const emailProblem = reason === "invalid_email" || reason === "unknown_domain" || reason === "unverified_domain";
  if (req.fromHostedPage && emailProblem) return emailPage(url.pathname, url.searchParams, message);
  return loginFailureResponse(
    env,
    { reason, detail: `login routing failed: ${reason}`, organizationId: null, connectionId: null, message },
    { target: trusted, oauthError: "access_denied" },
  );
}

/** With `jitProvisioning` off, a non-member is refused early, at start (SPEC §3). */
async function refuseNonMember(env: Env, req: AuthorizeRequest, routed: Extract<LoginRoute, { ok: true }>) {
  if (routed.organization.jitProvisioning || !req.loginHint) return null;
  const member = await orgOp(env, routed.organization.id, "findMemberByEmail", {
    email: req.loginHint.trim().toLowerCase(),
  });
  if (member) return null;
  return {
    reason: "not_a_member",
    detail: `${req.loginHint} is not a member and JIT provisioning is off`,
    organizationId: routed.organization.id,
    connectionId: routed.connection.id,
    message: "Your account is not a member of this organization.",
  };
}

/** Stores the pending login in the org's object, binds it to this browser, and goes to the IdP. */
async function begin(env: Env, req: AuthorizeRequest, routed: Extract<LoginRoute, { ok: true }>): Promise<Response> {
  const requestId = `_${crypto.randomUUID().replace(/-/g, "")}`;
  const binding = await newBrowserBinding(requestId);
  const now = Date.now();
  const pending: PendingLogin = {
    relayState: newOrgToken(routed.organization.id),
    requestId,
    connectionId: routed.connection.id,
    clientId: req.clientId,
    redirectUri: req.redirectUri,
    state: req.state,
    nonce: req.nonce,
    codeChallenge: req.codeChallenge,
    scope: req.scope,
    loginHint: req.loginHint,
    browserHash: binding.hash,
    upstream: null,
    createdAt: new Date(now).toISOString(),
    expiresAt: now + BINDING_MAX_AGE_SECONDS * 1000,
  };
  const started = await startLogin(env, routed.connection, pending, now);
  if (!started.ok) {
    return loginFailureResponse(env, {
      reason: started.reason,
      detail: started.detail,
      organizationId: routed.organization.id,
      connectionId: routed.connection.id,
      message: startFailureMessage(started.reason),
    });
  }
  await orgOp(env, routed.organization.id, "createPendingLogin", { ...pending, upstream: started.upstream });
  started.response.headers.append("set-cookie", binding.cookie);
  return started.response;
}

/** What the user is told when the login cannot leave for the IdP. */
function startFailureMessage(reason: string): string {
  return reason === "idp_unreachable" || reason === "discovery_failed"
    ? "Your identity provider could not be reached. Try again in a few minutes."
    : "Single sign-on is misconfigured for this organization.";
}

function failPage(env: Env, reason: string, detail: string): Promise<Response> {
  return loginFailureResponse(env, {
    reason,
    detail,
    organizationId: null,
    connectionId: null,
    message: "The application sent an invalid sign-in request.",
  });
}

const summary = "Start a login: OIDC authorization endpoint (response_type=code, PKCE S256)";
export const authorizeRoutes = [
  route({
    method: "GET",
    path: "/oauth/authorize",
    tag: "Login",
    access: "public",
    audience: "browser",
    summary,
    success: {
      status: 200,
      description: "An HTML page (work email form or auto-submitting SAML POST form) or a 302 to the IdP",
      contentType: "text/html",
    },
    handler: authorize,
  }),
  route({
    method: "GET",
    path: "/sso/start",
    tag: "Login",
    access: "public",
    audience: "browser",
    summary: `${summary} (alias)`,
    success: { status: 200, description: "As /oauth/authorize", contentType: "text/html" },
    handler: authorize,
  }),
];
