import { escapeXml as escapeHtml } from "./xml.mjs";

/**
 * @param {string} title
 * @param {string} body
 * @param {string} [script]
 */
function page(title, body, script = "") {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}` +
    `button{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem;text-align:left;cursor:pointer}` +
    `small{color:#666}</style></head><body>${body}${script}</body></html>`
  );
}

/**
 * The user-choice page: one button per configured user, posting to /login.
 * @param {object} options
 * @param {string} options.pendingId key of the pending AuthnRequest
 * @param {string | null} options.spEntityId
 * @param {Array<{email: string, firstName?: string, lastName?: string, groups?: string[]}>} options.users
 */
export function loginPage({ pendingId, spEntityId, users }) {
  const buttons = users
    .map((u) => {
      const name = [u.firstName, u.lastName].filter(Boolean).join(" ");
      const groups = u.groups?.length ? ` <small>(${escapeHtml(u.groups.join(", "))})</small>` : "";
      return (
        `<button type="submit" name="email" value="${escapeHtml(u.email)}">${escapeHtml(name || u.email)} ` +
        `&lt;${escapeHtml(u.email)}&gt;${groups}</button>`
      );
    })
    .join("");
  return page(
    "Dev IdP: sign in",
    `<h1>Dev IdP</h1><p>Sign in to <code>${escapeHtml(spEntityId ?? "(no issuer)")}</code> as:</p>` +
      `<form method="post" action="/login"><input type="hidden" name="pending" value="${escapeHtml(pendingId)}">${buttons}</form>` +
      `<p><small>edge-sso dev tool: a SAML 2.0 IdP signing with xmlsec1. Not for production.</small></p>`,
  );
}

/**
 * The HTTP-POST binding (SAML bindings 3.5.4): a form posting SAMLResponse and RelayState to
 * the ACS, submitted by script, with a visible button for browsers without JavaScript.
 * @param {object} options
 * @param {string} options.acsUrl
 * @param {string} options.samlResponse base64
 * @param {string | null} options.relayState
 * @param {string} options.nonce CSP nonce of the submitting script
 * @param {string} [options.message] what the page says while it submits
 */
export function autoPostPage({
  acsUrl,
  samlResponse,
  relayState,
  nonce,
  message = "Signed in. Sending you back to the application.",
}) {
  const relay = relayState === null ? "" : `<input type="hidden" name="RelayState" value="${escapeHtml(relayState)}">`;
  return page(
    "Dev IdP: continue",
    `<form id="saml-post" method="post" action="${escapeHtml(acsUrl)}">` +
      `<input type="hidden" name="SAMLResponse" value="${escapeHtml(samlResponse)}">${relay}` +
      `<p>${escapeHtml(message)}</p><button type="submit">Continue</button></form>`,
    `<script nonce="${escapeHtml(nonce)}">document.getElementById("saml-post").submit();</script>`,
  );
}

/**
 * @param {string} message
 */
export function errorPage(message) {
  return page("Dev IdP: error", `<h1>Dev IdP: request refused</h1><p>${escapeHtml(message)}</p>`);
}
