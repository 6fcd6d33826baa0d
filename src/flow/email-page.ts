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

/**
 * The hosted "work email" page (SPEC §3): a GET form back to the authorization endpoint
 * with the same request and the email the user types.
 */
export function emailPage(action: string, params: URLSearchParams, error?: string): Response {
  const hidden = CARRIED.filter((name) => params.has(name))
    .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name)!)}">`)
    .join("");
  const value = params.get("login_hint") ?? params.get("email") ?? "";
  return htmlPage({
    title: "Sign in with SSO",
    status: error ? 400 : 200,
    formAction: null,
    body:
      `<h1>Sign in with your work email</h1>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}` +
      `<form method="get" action="${escapeHtml(action)}">${hidden}<input type="hidden" name="hosted" value="1">` +
      `<label for="email">Work email</label><input id="email" name="login_hint" type="email" autocomplete="email" required autofocus value="${escapeHtml(value)}">` +
      `<button type="submit">Continue</button></form>`,
  });
}
