import * as z from "zod/mini";
import type { Env } from "../../env";
import { route, type Route, type RouteContext } from "../../http/route";
import { orgIdOfConnection } from "../../lib/ids";
import { loginFailureResponse } from "../login-error";
import { readSloMessage, type SloMessage } from "./slo-message";

/**
 * `GET|POST /saml/{connId}/slo` (SPEC §3, §9): SAML single logout in both directions and
 * both bindings — GET is HTTP-Redirect, POST is HTTP-POST. A `SAMLRequest` is an
 * IdP-initiated logout (flow/saml/idp-logout.ts); a `SAMLResponse` is the IdP's answer to
 * the LogoutRequest of an RP-initiated logout (`/oauth/logout`).
 */
async function slo({ request, env, params }: RouteContext<unknown, unknown, { connId: string }>) {
  const connectionId = params.connId;
  const organizationId = orgIdOfConnection(connectionId);
  if (!organizationId)
    return loginFailureResponse(env, {
      reason: "unknown_connection",
      detail: `malformed connection id ${connectionId}`,
      organizationId: null,
      connectionId: null,
    });
  const read = await readSloMessage(request, { connectionId, organizationId });
  if (!read.ok)
    return loginFailureResponse(env, { reason: "bad_request", detail: read.detail, organizationId, connectionId });
  if (read.message.kind === "response") return logoutResponse(env, read.message);
  // Not on a login's path: loaded on first use, not at isolate start (issue 11).
  const { idpInitiatedLogout } = await import("./idp-logout");
  return idpInitiatedLogout(env, read.message);
}

/** The IdP's LogoutResponse to an RP-initiated logout's LogoutRequest (flow/saml/rp-logout-response.ts). */
async function logoutResponse(env: Env, message: SloMessage): Promise<Response> {
  // Not on a login's path: loaded on first use, not at isolate start (issue 11).
  const { handleLogoutResponse } = await import("./rp-logout-response");
  return handleLogoutResponse(env, message);
}

const failureScope = (_url: URL, params: Record<string, string>) => {
  const organizationId = orgIdOfConnection(params.connId ?? "");
  return { organizationId, connectionId: organizationId ? (params.connId ?? null) : null };
};

const common = {
  path: "/saml/:connId/slo",
  tag: "Login",
  access: "public",
  audience: "saml",
  failureScope,
  handler: slo,
} as const;

const answers = {
  success: {
    status: 302,
    description:
      "A signed LogoutResponse to the IdP's SLO URL in its HTTP-Redirect binding (an IdP-initiated logout, whatever its outcome)",
  },
  responses: [
    {
      status: 200,
      description: "A page that POSTs the signed LogoutResponse to the IdP (its SLO URL takes the HTTP-POST binding)",
      contentType: "text/html",
    },
  ],
};

export const sloRoutes: Route[] = [
  route({
    ...common,
    ...answers,
    method: "GET",
    summary: "SAML single logout, HTTP-Redirect binding (SAMLRequest or SAMLResponse in the query)",
    query: z.object({
      SAMLRequest: z.optional(z.string()),
      SAMLResponse: z.optional(z.string()),
      RelayState: z.optional(z.string()),
      SigAlg: z.optional(z.string()),
      Signature: z.optional(z.string()),
    }),
  }),
  route({
    ...common,
    ...answers,
    method: "POST",
    summary: "SAML single logout, HTTP-POST binding (SAMLRequest or SAMLResponse in the form)",
    form: z.object({
      SAMLRequest: z.optional(z.string()),
      SAMLResponse: z.optional(z.string()),
      RelayState: z.optional(z.string()),
    }),
  }),
];
