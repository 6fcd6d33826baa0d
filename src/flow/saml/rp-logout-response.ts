import type { Env } from "../../env";
import { sloEndpoint } from "../../connections/settings";
import { randomBase32 } from "../../lib/ids";
import { verifyLogoutResponse } from "../../saml/verify-logout-response";
import type { SamlConnection } from "../../store/org/types";
import { orgOp } from "../../store/stores";
import { finish, signedOutPage } from "../logout/logout-pages";
import type { SloMessage } from "./slo-message";

/**
 * The IdP's LogoutResponse to our LogoutRequest (SPEC §9, SAML profiles 4.4.3.3–4.4.4.2). The
 * local session ended before we sent the request; this only finishes the logout. RelayState
 * names our outstanding request, taken single-use in the org's object; then the response must
 * be signed by the IdP, name our SLO URL and the IdP as Issuer, answer that request
 * (InResponseTo) and say Success. Whatever it says the user gets the final redirect — the
 * registered post_logout_redirect_uri with state, or our "signed out" page — and a response we
 * could not accept is recorded as `logout.failed` with its reason. An unknown or replayed
 * RelayState has no destination of ours: the "signed out" page, and the event.
 */
export async function handleLogoutResponse(env: Env, message: SloMessage): Promise<Response> {
  const { organizationId, connectionId } = message;
  const taken = await orgOp(env, organizationId, "takeLogoutRequest", {
    connectionId,
    relayState: message.relayState ?? "",
  });
  const refuse = async (reason: string, detail: string, requestId: string | null) => {
    const referenceId = `ref_${randomBase32(16)}`;
    console.warn(JSON.stringify({ event: "logout.failed", referenceId, reason, organizationId, connectionId, detail }));
    await orgOp(env, organizationId, "recordLogoutFailure", { referenceId, connectionId, requestId, reason, detail });
  };
  if (taken.status !== "taken") {
    const reason = taken.status === "spent" ? "replayed" : "unknown_relay_state";
    await refuse(reason, `RelayState names no outstanding LogoutRequest of ${connectionId} (${taken.status})`, null);
    return signedOutPage(env);
  }
  const verified = await verifyLogoutResponse({
    binding: message.binding,
    samlResponse: message.value,
    rawQuery: message.rawQuery,
    requestId: taken.requestId,
    policy: policyOf(env, taken.connection),
    now: new Date(),
  });
  if (!verified.ok) await refuse(verified.error.code, verified.error.detail, taken.requestId);
  return finish(env, taken.returnTo);
}

function policyOf(env: Env, connection: SamlConnection) {
  const saml = connection.settings.saml;
  return {
    idpEntityId: saml.idpEntityId ?? "",
    idpCertificates: saml.idpCertificates,
    sloUrl: sloEndpoint(env.PUBLIC_URL, connection.id),
    allowSha1: saml.allowSha1,
    clockSkewSeconds: saml.clockSkewSeconds,
  };
}
