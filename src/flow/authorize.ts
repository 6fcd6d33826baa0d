import type { Env } from "../env";
import {
  routeLoginByConnection,
  routeLoginByEmail,
  routeLoginByOrganization,
  type LoginRoute,
  type RouteFailure,
} from "../domains/route-login";
import { route, type RouteContext } from "../http/route";
import { isRegisteredRedirectUri } from "../oauth/check-redirect-uri";
import { readClient } from "../store/cache/app-records";
import { checkAuthorizeRequest, readClientParams, type AuthorizeRequest } from "./authorize-request";
import { beginLogin, refuseNonMember } from "./begin-login";
import { brandingOf } from "./branding";
import { emailPage, type EmailPageContext } from "./email-page";
import { failureMessage, type AuthorizeFailure } from "./failure-reasons";
import { loginFailureResponse, type TrustedRedirect } from "./login-error";

/**
 * GET /oauth/authorize (alias /sso/start): a pipeline of checks (SPEC §3). The client and
 * the exact redirect URI come first (oauth/check-redirect-uri.ts); until both hold,
 * failures are an HTML page, never a redirect (RFC 6749 §4.1.2.1).
 */
async function authorize({ env, url, exec }: RouteContext): Promise<Response> {
  const params = url.searchParams;
  const clientParams = readClientParams(params);
  if (!clientParams.ok) return failPage(env, "invalid_client_params", clientParams.detail);
  const client = await readClient(env, clientParams.clientId);
  if (!client) return failPage(env, "unknown_client", `client_id ${clientParams.clientId} is not registered`);
  if (!isRegisteredRedirectUri(client.redirectUris, clientParams.redirectUri)) {
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
      { reason: check.error, detail: check.description, organizationId: null, connectionId: null },
      { target: trusted, oauthError: check.error, description: check.description },
    );
  }
  const req = check.request;
  const page = { clientName: client.name, brand: brandingOf(env) };
  if (!req.loginHint && !req.organizationId && !req.connectionId) return emailPage(url.pathname, params, page);
  const routed = await routeRequest(env, req, exec);
  if (!routed.ok) return routingFailure(env, url, req, routed.reason, trusted, page);
  const refusal = await refuseNonMember(env, req, routed);
  if (refusal) return loginFailureResponse(env, refusal, { target: trusted, oauthError: "access_denied" });
  return beginLogin(env, req, routed);
}

function routeRequest(env: Env, req: AuthorizeRequest, exec: ExecutionContext): Promise<LoginRoute> {
  if (req.connectionId) return routeLoginByConnection(env, req.connectionId);
  if (req.organizationId) return routeLoginByOrganization(env, req.organizationId);
  return routeLoginByEmail(env, req.loginHint ?? "", exec);
}

/** A routing failure: the hosted page again for an email problem, else back to the app. */
async function routingFailure(
  env: Env,
  url: URL,
  req: AuthorizeRequest,
  reason: RouteFailure,
  trusted: TrustedRedirect,
  page: EmailPageContext,
): Promise<Response> {
  const emailProblem = reason === "invalid_email" || reason === "unknown_domain" || reason === "unverified_domain";
  if (req.fromHostedPage && emailProblem)
    return emailPage(url.pathname, url.searchParams, page, failureMessage(reason));
  return loginFailureResponse(
    env,
    { reason, detail: `login routing failed: ${reason}`, organizationId: null, connectionId: null },
    { target: trusted, oauthError: "access_denied" },
  );
}

function failPage(env: Env, reason: AuthorizeFailure, detail: string): Promise<Response> {
  return loginFailureResponse(env, { reason, detail, organizationId: null, connectionId: null });
}

/**
 * `/sso/start` as seed 001 calls it (SPEC §7): `?client_id&email&redirect_uri[&org_id]` with
 * `response_type` defaulting to `code`, `scope` to `openid email profile`, and `org_id` read
 * as `organization_id` (both given is a repeated parameter, refused like any other).
 */
export function withSeedStartDefaults(url: URL): URL {
  const out = new URL(url);
  const params = out.searchParams;
  if (!params.has("response_type")) params.set("response_type", "code");
  if (!params.has("scope")) params.set("scope", "openid email profile");
  for (const orgId of params.getAll("org_id")) params.append("organization_id", orgId);
  params.delete("org_id");
  return out;
}

const REDIRECT = {
  status: 302,
  description:
    "To the IdP (SAML HTTP-Redirect, OIDC, the LDAP form), or back to a trusted redirect_uri with error and state",
};
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
      description: "An HTML page: the work email form, or the auto-submitting SAML POST form",
      contentType: "text/html",
    },
    responses: [REDIRECT],
    handler: authorize,
  }),
  route({
    method: "GET",
    path: "/sso/start",
    tag: "Login",
    access: "public",
    audience: "browser",
    summary: `${summary} (alias; also seed 001's shape: client_id, email, redirect_uri, org_id)`,
    success: { status: 200, description: "As /oauth/authorize", contentType: "text/html" },
    responses: [REDIRECT],
    handler: (ctx) => authorize({ ...ctx, url: withSeedStartDefaults(ctx.url) }),
  }),
];
