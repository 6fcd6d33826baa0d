import type { Env } from "../env";
import type { LoginRoute } from "../domains/route-login";
import { newOrgToken } from "../lib/ids";
import type { PendingLogin } from "../store/org/login-types";
import { orgOp } from "../store/stores";
import type { AuthorizeRequest } from "./authorize-request";
import { BINDING_MAX_AGE_SECONDS, newBrowserBinding } from "./browser-binding";
import { loginFailureResponse, type LoginFailure } from "./login-error";
import { startLogin } from "./start-login";

/** A login routed to its organization and connection. */
export type RoutedLogin = Extract<LoginRoute, { ok: true }>;

/** With `jitProvisioning` off, a non-member is refused early, at start (SPEC §3). */
export async function refuseNonMember(
  env: Env,
  req: AuthorizeRequest,
  routed: RoutedLogin,
): Promise<LoginFailure | null> {
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
  };
}

/** Stores the pending login in the org's object, binds it to this browser, and goes to the IdP. */
export async function beginLogin(env: Env, req: AuthorizeRequest, routed: RoutedLogin): Promise<Response> {
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
      outboundDetail: started.outboundDetail,
      organizationId: routed.organization.id,
      connectionId: routed.connection.id,
    });
  }
  await orgOp(env, routed.organization.id, "createPendingLogin", { ...pending, upstream: started.upstream });
  started.response.headers.append("set-cookie", binding.cookie);
  return started.response;
}
