import { readCapped } from "../../http/read-body";
import { route, type RouteContext } from "../../http/route";
import { orgIdOfConnection, orgIdOfToken } from "../../lib/ids";
import { SAML_LIMITS } from "../../saml";
import { orgOp } from "../../store/stores";
import { browserBindingHashes, clearBindingCookie } from "../browser-binding";
import { completeSamlLogin } from "./complete-saml-login";
import { loginFailureResponse, type LoginFailure } from "../login-error";
import { findConnectionOfType } from "../find-connection";

/** A form-encoded SAMLResponse: base64 of at most 256 KiB of XML, plus the form's overhead. */
const MAX_ACS_BODY = Math.ceil((SAML_LIMITS.maxXmlBytes * 4) / 3) * 3 + 16 * 1024;

/**
 * POST /saml/{connId}/acs (SPEC §3): the IdP's HTTP-POST binding. The pending login named
 * by RelayState is consumed exactly once and must belong to this browser; then the
 * verification core decides, and the org's object completes the login atomically.
 */
async function acs({
  request,
  env,
  params,
}: RouteContext<undefined, undefined, { connId: string }>): Promise<Response> {
  const connectionId = params.connId;
  const organizationId = orgIdOfConnection(connectionId);
  const failure = (reason: string, detail: string, message: string): LoginFailure => ({
    reason,
    detail,
    message,
    organizationId,
    connectionId: organizationId ? connectionId : null,
  });
  if (!organizationId)
    return loginFailureResponse(
      env,
      failure("unknown_connection", `malformed connection id ${connectionId}`, "This sign-in link is not valid."),
    );
  const form = await readForm(request);
  if (!form.ok)
    return loginFailureResponse(env, failure("bad_request", form.detail, "The sign-in response could not be read."));
  const samlResponse = form.params.get("SAMLResponse");
  if (!samlResponse)
    return loginFailureResponse(
      env,
      failure("bad_request", "no SAMLResponse in the form", "The sign-in response could not be read."),
    );
  const connection = await findConnectionOfType(env, organizationId, connectionId, "saml");
  if (!connection)
    return loginFailureResponse(
      env,
      failure("unknown_connection", `no SAML connection ${connectionId}`, "This sign-in link is not valid."),
    );
  const relayState = form.params.get("RelayState");
  const claim =
    relayState && orgIdOfToken(relayState) === organizationId
      ? await orgOp(env, organizationId, "consumePendingLogin", {
          relayState,
          browserHashes: await browserBindingHashes(request),
        })
      : null;
  if (claim && !claim.ok && claim.reason === "browser_mismatch") {
    return loginFailureResponse(
      env,
      failure(
        "browser_mismatch",
        "the pending login was started in another browser",
        "This sign-in was started in another browser. Start again here.",
      ),
    );
  }
  const pending = claim?.ok ? claim.pending : null;
  if (pending && pending.connectionId !== connectionId) {
    return loginFailureResponse(
      env,
      failure(
        "relay_state_mismatch",
        "the pending login belongs to another connection",
        "This sign-in was not started here.",
      ),
    );
  }
  if (relayState && !pending && !connection.settings.saml.allowIdpInitiated) {
    return loginFailureResponse(
      env,
      failure(
        "unknown_relay_state",
        "RelayState names no pending login (expired, used or forged)",
        "This sign-in expired or was already used. Start again from the application.",
      ),
    );
  }
  const outcome = await completeSamlLogin(env, { connection, samlResponse, pending, now: Date.now() });
  const headers = pending ? { "set-cookie": clearBindingCookie(pending.requestId) } : undefined;
  if (!outcome.ok) return loginFailureResponse(env, outcome.failure, outcome.redirect, headers);
  return new Response(null, {
    status: 302,
    headers: { location: outcome.location, "cache-control": "no-store", ...headers },
  });
}

type FormResult = { ok: true; params: URLSearchParams } | { ok: false; detail: string };

async function readForm(request: Request): Promise<FormResult> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return { ok: false, detail: `content type ${type ?? "(none)"}` };
  try {
    return { ok: true, params: new URLSearchParams(await readCapped(request, MAX_ACS_BODY)) };
  } catch {
    return { ok: false, detail: "the form is too large or not UTF-8" };
  }
}

export const acsRoute = route({
  method: "POST",
  path: "/saml/:connId/acs",
  tag: "Login",
  access: "public",
  audience: "browser",
  summary: "SAML assertion consumer service (HTTP-POST binding)",
  success: { status: 302, description: "Redirect to the app's redirect_uri with code and state" },
  handler: acs,
});
