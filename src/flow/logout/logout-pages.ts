import type { Env } from "../../env";
import { recordUnscopedEvent } from "../../events/record-unscoped";
import { currentClientIp } from "../../http/request-scope";
import { newEventId, randomBase32 } from "../../lib/ids";
import { brandingOf } from "../branding";
import { escapeHtml, htmlPage } from "../html";

/**
 * The hosted pages of RP-initiated logout (SPEC §9, OpenID RP-Initiated Logout 1.0): the
 * confirmation asked when no valid `id_token_hint` names the session (logout CSRF, §2), the
 * "signed out" page when there is nowhere registered to return to, and the refusal page of a
 * request that cannot be honoured (never a redirect to an unregistered URI, §3).
 */

/** Why a logout request was refused before anything ended. */
export type LogoutRefusal =
  | "logout_invalid_request"
  | "unknown_client"
  | "logout_client_missing"
  | "logout_client_mismatch"
  | "post_logout_redirect_uri_mismatch"
  | "logout_csrf_mismatch";

/** What the user is told for each refusal; exhaustive, no `default`. */
export function logoutRefusalMessage(reason: LogoutRefusal): string {
  switch (reason) {
    case "logout_invalid_request":
    case "unknown_client":
    case "logout_client_missing":
    case "logout_client_mismatch":
    case "post_logout_redirect_uri_mismatch":
      return "The application sent an invalid sign-out request.";
    case "logout_csrf_mismatch":
      return "This sign-out form expired or was not sent from this page. Sign out again from the application.";
  }
}

/**
 * The refusal page, with a reference id; the reason and detail go to the app-wide audit feed
 * as `logout.failed` (no org is trusted yet: the request named none we could verify).
 */
export function logoutRefusalPage(env: Env, reason: LogoutRefusal, detail: string): Response {
  const referenceId = `ref_${randomBase32(16)}`;
  console.warn(JSON.stringify({ event: "logout.failed", referenceId, reason, detail }));
  const now = new Date();
  const { id, createdAt } = newEventId(now);
  recordUnscopedEvent(
    env,
    {
      id,
      type: "logout.failed",
      actor: "system",
      organizationId: null,
      target: null,
      data: { referenceId, reason, detail },
      createdAt,
    },
    currentClientIp(),
    now.getTime(),
  );
  return htmlPage({
    title: "Sign-out failed",
    status: 400,
    brand: brandingOf(env),
    body:
      `<h1>Sign-out failed</h1><p>${escapeHtml(logoutRefusalMessage(reason))}</p>` +
      `<p class="ref">Reference: ${escapeHtml(referenceId)}</p>` +
      `<p class="next">If this keeps happening, give this reference to your administrator.</p>`,
  });
}

/** What the confirmation form carries over to its POST (RP-Initiated Logout 1.0 §2 parameters). */
export interface ConfirmationPage {
  clientName: string | null;
  clientId: string | null;
  postLogoutRedirectUri: string | null;
  state: string | null;
  csrf: string;
  headers?: HeadersInit;
}

/**
 * Asks the user to confirm (RP-Initiated Logout 1.0 §2, logout CSRF): a POST form back to
 * /oauth/logout with the request's parameters and the CSRF token, no script. Its CSP admits
 * the registered return URI, since form-action also governs the redirect after submission.
 */
export function confirmationPage(env: Env, page: ConfirmationPage): Response {
  const hidden = [
    ["client_id", page.clientId],
    ["post_logout_redirect_uri", page.postLogoutRedirectUri],
    ["state", page.state],
    ["csrf", page.csrf],
    ["confirm", "yes"],
  ]
    .filter((pair): pair is [string, string] => pair[1] !== null)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join("");
  const app = page.clientName ? escapeHtml(page.clientName) : "the application";
  return htmlPage({
    title: "Sign out?",
    brand: brandingOf(env),
    formAction: page.postLogoutRedirectUri ?? undefined,
    headers: page.headers,
    body:
      `<h1>Sign out?</h1><p class="next">${app} asked to sign you out. Confirm only if you started this.</p>` +
      `<form method="post" action="/oauth/logout">${hidden}<button type="submit">Sign out</button></form>`,
  });
}

/** The last page when there is no registered URI to return to. */
export function signedOutPage(env: Env, headers?: HeadersInit): Response {
  return htmlPage({
    title: "Signed out",
    brand: brandingOf(env),
    headers,
    body: `<h1>You are signed out</h1><p class="next">You can close this window, or go back to the application.</p>`,
  });
}

/** The end of a logout: the registered return URI (302, with state), or our "signed out" page. */
export function finish(env: Env, returnTo: string | null, headers?: Record<string, string>): Response {
  if (returnTo === null) return signedOutPage(env, headers);
  return new Response(null, { status: 302, headers: { ...headers, location: returnTo, "cache-control": "no-store" } });
}
