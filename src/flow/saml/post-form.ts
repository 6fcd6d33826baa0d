import { escapeHtml, htmlPage } from "../html";

/**
 * The HTTP-POST binding's page (SAML bindings 3.5.4): a form of hidden fields that submits
 * itself to the IdP, with a button for a browser without script. The one script is nonced;
 * the CSP allows the form only to its action.
 */
export function samlPostForm(input: {
  action: string;
  fields: Record<string, string>;
  title: string;
  message: string;
  button: string;
}): Response {
  const nonce = crypto.randomUUID().replace(/-/g, "");
  const hidden = Object.entries(input.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  return htmlPage({
    title: input.title,
    scriptNonce: nonce,
    formAction: input.action,
    body:
      `<h1>${escapeHtml(input.title)}</h1><p class="next">${escapeHtml(input.message)}</p>` +
      `<form id="saml" method="post" action="${escapeHtml(input.action)}">${hidden}` +
      `<noscript><button type="submit">${escapeHtml(input.button)}</button></noscript></form>` +
      `<script nonce="${nonce}">document.getElementById("saml").submit()</script>`,
  });
}
