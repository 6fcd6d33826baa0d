import type { Env } from "../env";
import { recordUnscopedEvent } from "../events/record-unscoped";
import { ApiError } from "../http/api-error";
import { currentClientIp } from "../http/request-scope";
import { newEventId, randomBase32 } from "../lib/ids";
import { orgOp } from "../store/stores";
import { failureMessage, type BrowserFailureReason } from "./failure-reasons";
import { brandingOf } from "./branding";
import { escapeHtml, htmlPage } from "./html";

/** Where a browser-facing failure is recorded (SPEC §3); what it shows comes from its reason. */
export interface LoginFailure {
  /** The precise internal reason (a SAML rejection code, a routing failure, …). */
  reason: BrowserFailureReason;
  /** Detail for the audit log; never shown to the browser. */
  detail: string;
  /**
   * Why an outbound call got no answer, kept in the audit event for app-wide readers only
   * (an org-scoped key's events and webhook bodies drop it: http/outbound-failure.ts).
   */
  outboundDetail?: string | undefined;
  organizationId: string | null;
  connectionId: string | null;
  /**
   * The error code an IdP sent through the browser (OIDC `error`, already in the URL the
   * user followed), shown after the message so they can tell their admin; never our detail.
   */
  idpErrorCode?: string;
  /**
   * The same authorization request again, for the page's "Try again" (flow/retry-login.ts):
   * set only where restarting it is safe, i.e. once this browser's pending login was found.
   */
  retryUrl?: string;
}

/** A trusted redirect target for an RFC 6749 §4.1.2.1 error redirect. */
export interface TrustedRedirect {
  redirectUri: string;
  state: string | null;
}

/** An error redirect to the app instead of the page, once its redirect URI is trusted. */
export interface ErrorRedirect {
  target: TrustedRedirect;
  /** The RFC 6749 §4.1.2.1 error code. */
  oauthError: "access_denied" | "invalid_request" | "unsupported_response_type" | "invalid_scope";
  /** For the app's developer, instead of the user's message (which check of the request failed). */
  description?: string;
}

/**
 * Records a failure under a fresh reference id in the org's audit log (the app-wide log
 * when no org is known) and answers with an HTML error page showing only that id, or —
 * when the redirect URI is already trusted — an error redirect to the app.
 */
export async function loginFailureResponse(
  env: Env,
  failure: LoginFailure,
  redirect?: ErrorRedirect,
  headers?: HeadersInit,
): Promise<Response> {
  const referenceId = await recordLoginFailure(env, failure);
  if (redirect) {
    const url = new URL(redirect.target.redirectUri);
    url.searchParams.set("error", redirect.oauthError);
    const description = redirect.description ?? userMessage(failure);
    url.searchParams.set("error_description", `${description} (reference ${referenceId})`);
    if (redirect.target.state !== null) url.searchParams.set("state", redirect.target.state);
    const out = new Headers(headers);
    out.set("location", url.toString());
    out.set("cache-control", "no-store");
    return new Response(null, { status: 302, headers: out });
  }
  return errorPage(env, {
    message: userMessage(failure),
    referenceId,
    status: failure.reason === "internal_error" ? 500 : 400,
    headers,
    retryUrl: failure.retryUrl,
  });
}

/** What the user is told about a failure: its reason's message, and the IdP's code when it sent one. */
function userMessage(failure: LoginFailure): string {
  const message = failureMessage(failure.reason);
  return failure.idpErrorCode ? `${message} (${failure.idpErrorCode})` : message;
}

/**
 * The error page: what went wrong, the next step — "Try again" when the same request can be
 * restarted, else back to the application — and the reference id that finds the reason.
 */
function errorPage(
  env: Env,
  page: { message: string; referenceId: string; status: number; headers?: HeadersInit; retryUrl?: string | undefined },
): Response {
  const brand = brandingOf(env);
  const next = page.retryUrl
    ? `<a class="button" href="${escapeHtml(page.retryUrl)}">Try again</a>` +
      `<p class="next">This starts the sign-in again from the beginning.</p>`
    : `<p class="next">Go back to the application you came from and sign in again.</p>`;
  return htmlPage({
    title: "Sign-in failed",
    status: page.status,
    headers: page.headers,
    brand,
    body:
      `<h1>Sign-in failed</h1><p>${escapeHtml(page.message)}</p>${next}` +
      `<p class="ref">Reference: ${escapeHtml(page.referenceId)}</p>` +
      `<p class="next">If this keeps happening, give this reference to your administrator.</p>`,
  });
}

/** Records a failure in the audit log under a fresh reference id, and returns the id. */
export async function recordLoginFailure(env: Env, failure: LoginFailure): Promise<string> {
  const referenceId = `ref_${randomBase32(16)}`;
  logLoginFailure(referenceId, failure);
  await recordFailure(env, referenceId, failure);
  return referenceId;
}

/**
 * One line per refused login in the worker's log (`wrangler dev`'s console, `wrangler tail`
 * in production), so a developer sees why at once; the same reason and detail the audit log
 * keeps under the reference id. Never a secret: details name parameters, URLs and checks.
 */
function logLoginFailure(referenceId: string, failure: LoginFailure): void {
  const { reason, detail, outboundDetail, organizationId, connectionId } = failure;
  console.warn(
    JSON.stringify({
      event: "login.failed",
      referenceId,
      reason,
      organizationId,
      connectionId,
      detail: outboundDetail ?? detail,
    }),
  );
}

async function recordFailure(env: Env, referenceId: string, failure: LoginFailure): Promise<void> {
  const outbound = failure.outboundDetail === undefined ? {} : { outboundDetail: failure.outboundDetail };
  const data = { referenceId, reason: failure.reason, detail: failure.detail, ...outbound };
  try {
    if (failure.organizationId) {
      await orgOp(env, failure.organizationId, "recordLoginFailure", {
        referenceId,
        reason: failure.reason,
        detail: failure.detail,
        ...outbound,
        connectionId: failure.connectionId,
      });
      return;
    }
    // No org is known: the app-wide feed only, after the response and rate-limited per client IP.
    const now = new Date();
    const { id, createdAt } = newEventId(now);
    recordUnscopedEvent(
      env,
      {
        id,
        type: "login.failed",
        actor: "system",
        organizationId: null,
        target: failure.connectionId,
        data,
        createdAt,
      },
      currentClientIp(),
      now.getTime(),
    );
  } catch (error) {
    console.error(
      "could not record login failure",
      referenceId,
      failure.reason,
      error instanceof Error ? error.message : error,
    );
  }
}

/** Whose audit log records a failure the router caught on a browser route (see Route.failureScope). */
export interface FailureScope {
  organizationId: string | null;
  connectionId: string | null;
}

/**
 * Renders a failure the router caught on a browser-facing route (STYLE 12): the HTML error
 * page with a reference id, recorded as a login failure — `internal_error` for an
 * unexpected error (its message only in the audit log and its stack only in the log),
 * `bad_request` for an ApiError the request's own checks raised.
 */
export function browserFailureResponse(env: Env, error: unknown, scope: FailureScope): Promise<Response> {
  if (error instanceof ApiError && error.status < 500) {
    return loginFailureResponse(env, { reason: "bad_request", detail: error.detail, ...scope });
  }
  console.error("unexpected error", error instanceof Error ? error.stack : error);
  const detail = `unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
  return loginFailureResponse(env, { reason: "internal_error", detail, ...scope });
}
