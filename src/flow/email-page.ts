import type { Branding } from "./branding";
import { escapeHtml, htmlPage } from "./html";

/** Parameters the hosted page carries over so the same request continues. */
const CARRIED = [
  "client_id",
  "redirect_uri",
  "response_type",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
];

/** Who the page names: the OAuth client being signed in to, and APP_NAME/APP_LOGO_URL. */
export interface EmailPageContext {
  clientName: string;
  brand: Branding;
}

/**
 * The hosted "work email" page (SPEC §3): a GET form back to the authorization endpoint
 * with the same request and the email the user types. It names the application being signed
 * in to and says what happens next.
 */
export function emailPage(
  action: string,
  params: URLSearchParams,
  context: EmailPageContext,
  error?: string,
): Response {
  const hidden = CARRIED.filter((name) => params.has(name))
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name)!)}">`)
    .join("");
  const value = params.get("login_hint") ?? params.get("email") ?? "";
  const client = escapeHtml(context.clientName);
  return htmlPage({
    title: `Sign in to ${context.clientName}`,
    status: error ? 400 : 200,
    formAction: null,
    brand: context.brand,
    body:
      `<h1>Sign in to ${client}</h1>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}` +
      `<p class="next">Enter your work email. You will continue at your company's sign-in page, then return to ${client}.</p>` +
      `<form method="get" action="${escapeHtml(action)}">${hidden}<input type="hidden" name="hosted" value="1">` +
      `<label for="email">Work email</label><input id="email" name="login_hint" type="email" autocomplete="email" required autofocus value="${escapeHtml(value)}">` +
      `<button type="submit">Continue</button></form>`,
  });
}
