import type { Env } from "../env";
import { newId, randomBase32 } from "../lib/ids";
import { appOp, orgOp } from "../store/stores";
import { escapeHtml, htmlPage } from "./html";

/** Where a browser-facing failure is recorded and how it is shown (SPEC §3). */
export interface LoginFailure {
  /** The precise internal reason (a SAML rejection code, a routing failure, …). */
  reason: string;
  /** Detail for the audit log; never shown to the browser. */
  detail: string;
  organizationId: string | null;
  connectionId: string | null;
  /** What the user is told: short, with no internals. */
  message: string;
}

/** A trusted redirect target for an RFC 6749 §4.1.2.1 error redirect. */
export interface TrustedRedirect {
  redirectUri: string;
  state: string | null;
}

/**
 * Records a failure under a fresh reference id in the org's audit log (the app-wide log
 * when no org is known) and answers with an HTML error page showing only that id, or —
 * when the redirect URI is already trusted and `oauthError` is given — an error redirect.
 */
export async function loginFailureResponse(
  env: Env,
  failure: LoginFailure,
  redirect?: { target: TrustedRedirect; oauthError: string },
  headers?: HeadersInit,
): Promise<Response> {
  const referenceId = await recordLoginFailure(env, failure);
  if (redirect) {
    const url = new URL(redirect.target.redirectUri);
    url.searchParams.set("error", redirect.oauthError);
    url.searchParams.set("error_description", `${failure.message} (reference ${referenceId})`);
    if (redirect.target.state !== null) url.searchParams.set("state", redirect.target.state);
    const out = new Headers(headers);
    out.set("location", url.toString());
    out.set("cache-control", "no-store");
    return new Response(null, { status: 302, headers: out });
  }
  return errorPage(failure.message, referenceId, 400, headers);
}

export function errorPage(message: string, referenceId: string, status = 400, headers?: HeadersInit): Response {
  return htmlPage({
    title: "Sign-in failed",
    status,
    headers,
    body:
      `<h1>Sign-in failed</h1><p>${escapeHtml(message)}</p><p class="ref">Reference: ${escapeHtml(referenceId)}</p>` +
      `<p>If this keeps happening, give this reference to your administrator.</p>`,
  });
}

/** Records a failure in the audit log under a fresh reference id, and returns the id. */
export async function recordLoginFailure(env: Env, failure: LoginFailure): Promise<string> {
  const referenceId = `ref_${randomBase32(16)}`;
  await recordFailure(env, referenceId, failure);
  return referenceId;
}

async function recordFailure(env: Env, referenceId: string, failure: LoginFailure): Promise<void> {
  const data = { referenceId, reason: failure.reason, detail: failure.detail };
  try {
    if (failure.organizationId) {
      await orgOp(env, failure.organizationId, "recordLoginFailure", {
        referenceId,
        reason: failure.reason,
        detail: failure.detail,
        connectionId: failure.connectionId,
      });
      return;
    }
    await appOp(env, "events", "appendEvents", {
      events: [
        {
          id: newId("evt"),
          type: "login.failed",
          actor: "system",
          organizationId: null,
          target: failure.connectionId,
          data,
          createdAt: new Date().toISOString(),
        },
      ],
    });
  } catch (error) {
    console.error(
      "could not record login failure",
      referenceId,
      failure.reason,
      error instanceof Error ? error.message : error,
    );
  }
}
