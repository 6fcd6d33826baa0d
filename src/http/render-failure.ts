import type { Env } from "../env";
import { browserFailureResponse, type FailureScope } from "../flow/login-error";
import { oauthFailureResponse } from "../oauth/oauth-error";
import { scimErrorResponse } from "../scim/scim-error";
import { portalRefusalResponse } from "../portal/portal-page";
import { problemResponse } from "./problem";
import type { Audience, Route } from "./route";

const NO_SCOPE: FailureScope = { organizationId: null, connectionId: null };

/**
 * The router's one catch (STYLE 12): renders a failure no handler answered in the wire
 * format of the route's audience, never with the error's message or stack. Exhaustive over
 * the audiences: a new one does not compile until it has its format.
 */
export function renderFailure(
  route: Route,
  error: unknown,
  ctx: { env: Env; url: URL; params: Record<string, string> },
): Response | Promise<Response> {
  const audience: Audience = route.audience;
  switch (audience) {
    case "api":
      return problemResponse(error);
    case "oauth":
      return oauthFailureResponse(error);
    case "portal":
      return (
        portalRefusalResponse(ctx.env, error) ??
        browserFailureResponse(ctx.env, error, route.failureScope?.(ctx.url, ctx.params) ?? NO_SCOPE)
      );
    case "browser":
      return browserFailureResponse(ctx.env, error, route.failureScope?.(ctx.url, ctx.params) ?? NO_SCOPE);
    case "saml":
      // The SLO route answers every LogoutRequest it can tie to an IdP with a signed
      // LogoutResponse itself (flow/saml/idp-logout.ts); what reaches this catch has no
      // verified IdP to answer: the browser's error page.
      return browserFailureResponse(ctx.env, error, route.failureScope?.(ctx.url, ctx.params) ?? NO_SCOPE);
    case "scim":
      return scimErrorResponse(error);
  }
  return audience satisfies never;
}
