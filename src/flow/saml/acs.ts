import * as z from "zod/mini";
import { readCapped } from "../../http/read-body";
import { route, type RouteContext } from "../../http/route";
import { orgIdOfConnection, orgIdOfToken } from "../../lib/ids";
import { SAML_LIMITS } from "../../saml/outbound";
import { orgOp } from "../../store/stores";
import { browserBindingHashes, clearBindingCookie } from "../browser-binding";
import type { BrowserFailureReason } from "../failure-reasons";
import { loginFailureResponse } from "../login-error";
import { withRetry } from "../retry-login";

/** A form-encoded SAMLResponse: base64 of at most 256 KiB of XML, plus the form's overhead. */
const MAX_ACS_BODY = Math.ceil((SAML_LIMITS.maxXmlBytes * 4) / 3) * 3 + 16 * 1024;

/**
 * POST /saml/{connId}/acs (SPEC §3): the IdP's HTTP-POST binding. One round trip to the
 * org's object reads the connection and consumes the pending login named by RelayState,
 * exactly once and only for this browser; then the verification core decides, and the
 * one completion step finishes the login atomically.
 */
async function acs({
  request,
  env,
  params,
}: RouteContext<undefined, undefined, { connId: string }>): Promise<Response> {
  const connectionId = params.connId;
  const organizationId = orgIdOfConnection(connectionId);
  const fail = (reason: BrowserFailureReason, detail: string, headers?: HeadersInit) =>
    loginFailureResponse(
      env,
      { reason, detail, organizationId, connectionId: organizationId ? connectionId : null },
      undefined,
      headers,
    );
  if (!organizationId) return fail("unknown_connection", `malformed connection id ${connectionId}`);
  const form = await readForm(request);
  if (!form.ok) return fail("bad_request", form.detail);
  const samlResponse = form.params.get("SAMLResponse");
  if (!samlResponse) return fail("bad_request", "no SAMLResponse in the form");
  const relayState = form.params.get("RelayState");
  const { connection, claim } = await orgOp(env, organizationId, "claimAcsLogin", {
    connectionId,
    relayState: relayState && orgIdOfToken(relayState) === organizationId ? relayState : null,
    browserHashes: await browserBindingHashes(request),
  });
  if (!connection) return fail("unknown_connection", `no SAML connection ${connectionId}`);
  if (claim && !claim.ok && claim.reason === "browser_mismatch")
    return fail("browser_mismatch", "the pending login was started in another browser");
  const pending = claim?.ok ? claim.pending : null;
  const headers = pending ? { "set-cookie": clearBindingCookie(pending.requestId) } : undefined;
  if (pending && pending.connectionId !== connectionId)
    return fail("relay_state_mismatch", "the pending login belongs to another connection", headers);
  if (pending?.setupTest) {
    // A setup portal test sign-in (SPEC §9): verified like a login, ends on the portal, mints no code.
    const { completeSamlTestSignIn } = await import("../../portal/saml-test-sign-in");
    return completeSamlTestSignIn(env, { connection, samlResponse, pending, headers });
  }
  if (relayState && !pending && !connection.settings.saml.allowIdpInitiated)
    return fail("unknown_relay_state", "RelayState names no pending login (expired, used or forged)");
  // The verifier (src/saml, xmldom) is loaded by an isolate's first ACS request, not at start.
  const { completeSamlLogin } = await import("./complete-saml-login");
  const outcome = await completeSamlLogin(env, { connection, samlResponse, pending, now: Date.now() });
  if (!outcome.ok) {
    const failure = pending ? withRetry(env, outcome.failure, pending) : outcome.failure;
    return loginFailureResponse(env, failure, outcome.redirect, headers);
  }
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
  form: z.object({ SAMLResponse: z.string(), RelayState: z.optional(z.string()) }),
  success: { status: 302, description: "Redirect to the app's redirect_uri with code and state" },
  failureScope: (_url, params) => {
    const organizationId = orgIdOfConnection(params.connId ?? "");
    return { organizationId, connectionId: organizationId ? (params.connId ?? null) : null };
  },
  handler: acs,
});
