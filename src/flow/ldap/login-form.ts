import type { Branding } from "../branding";
import { escapeHtml, htmlPage } from "../html";

/** What the hosted LDAP form shows (SPEC §9). */
export interface LdapFormPage {
  /** The connection's name, as its admin gave it. */
  connectionName: string;
  /** APP_NAME and APP_LOGO_URL. */
  brand?: Branding;
  /** Where the form posts: this same URL, `rs` included. */
  action: string;
  csrf: string;
  /** The username to show again (the login hint, or what was typed); never the password. */
  username: string;
  /** The one message of a failed attempt, or none. */
  error?: string;
  /** Where a successful submission redirects (the app's redirect URI): CSP form-action must allow it. */
  redirectUri: string;
  status?: number;
  headers?: HeadersInit;
}

/**
 * The username/password form of a pending LDAP login: a POST back to itself with the CSRF
 * token, no script, `Cache-Control: no-store` and a strict CSP (flow/html.ts). A failed
 * attempt shows it again with one message, the username kept and the password empty.
 */
export function ldapFormPage(page: LdapFormPage): Response {
  const error = page.error ? `<p class="error" role="alert">${escapeHtml(page.error)}</p>` : "";
  return htmlPage({
    title: "Sign in",
    status: page.status ?? 200,
    headers: page.headers,
    formAction: page.redirectUri,
    brand: page.brand,
    body:
      `<h1>Sign in to ${escapeHtml(page.connectionName)}</h1>${error}` +
      `<p class="next">Use your ${escapeHtml(page.connectionName)} username and password. After you sign in, you return to the application.</p>` +
      `<form method="post" action="${escapeHtml(page.action)}">` +
      `<input type="hidden" name="csrf" value="${escapeHtml(page.csrf)}">` +
      `<label for="username">Username</label>` +
      `<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256" value="${escapeHtml(page.username)}"${page.username ? "" : " autofocus"}>` +
      `<label for="password">Password</label>` +
      `<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024"${page.username ? " autofocus" : ""}>` +
      `<button type="submit">Sign in</button></form>`,
  });
}
