import { escapeHtml } from "../flow/html";
import { scimBaseUrl } from "../scim/base-url";
import { SCIM_GUIDES } from "./scim-guides";
import { copyRow, csrfField, type PortalStep, type PortalView } from "./steps";

/**
 * The SCIM step (SPEC §2 `setup-links {scim: true}`, §10), only on links created with it:
 * the org's SCIM base URL, a SCIM token minted on request (shown once, in the answer to the
 * form that minted it; only its hash is kept), and the provisioning guide of each IdP that
 * pushes SCIM, the chosen IdP's opened first. It comes before Activate, which ends the link.
 */
export const scimStep: PortalStep = {
  id: "scim",
  title: "Directory sync",
  applies: (v) => v.session.link.scim,
  listed: (v) => v.session.link.scim,
  done: (v) => v.scimTokens.length > 0,
  render(v) {
    const baseUrl = scimBaseUrl(v.env.PUBLIC_URL, v.session.organization.id);
    const provider = v.session.connection?.provider;
    const opened = SCIM_GUIDES.find((g) => g.provider === provider) ?? SCIM_GUIDES[0]!;
    const guides = SCIM_GUIDES.map(
      (g) =>
        `<details class="scim-guide"${g === opened ? " open" : ""}><summary>${escapeHtml(g.name)}</summary><div class="guide"><ol>${g
          .steps({ baseUrl })
          .map((s) => `<li>${s}</li>`)
          .join("")}</ol></div></details>`,
    ).join("");
    return (
      `<h2>Directory sync (SCIM)</h2><p class="lead">Optional: let your identity provider create, update and deactivate ${escapeHtml(v.session.organization.name)}'s users in the app, so someone who leaves loses access at once. Do it before you activate: activating ends this link.</p>` +
      copyRow("scim-base", "SCIM base URL", baseUrl) +
      tokenPart(v) +
      `<h3>Set up provisioning in your identity provider</h3>${guides}`
    );
  },
};

function tokenPart(v: PortalView): string {
  const form =
    `<form method="post" action="${v.session.base}/scim-token">${csrfField(v)}` +
    `<button class="btn${v.mintedScimToken || v.scimTokens.length ? " secondary" : ""}" type="submit">${v.scimTokens.length ? "Create another SCIM token" : "Create SCIM token"}</button></form>`;
  if (v.mintedScimToken)
    return (
      `<div class="notice ok" role="status"><strong>Your SCIM token. Copy it now: it is shown only this once</strong> and stored only as a hash. Paste it into your identity provider as described below.</div>` +
      copyRow("scim-token", "SCIM token", v.mintedScimToken) +
      form
    );
  const made = v.scimTokens.length
    ? `<p class="hint">You created ${v.scimTokens.length === 1 ? "a SCIM token" : `${v.scimTokens.length} SCIM tokens`} with this link (last on ${escapeHtml(new Date(v.scimTokens.at(-1)!.createdAt).toUTCString().replace(" GMT", " UTC"))}). A token is shown only once: if you did not copy it, create another.</p>`
    : `<p class="hint">The token lets your identity provider reach only ${escapeHtml(v.session.organization.name)}'s users. It is shown once.</p>`;
  return made + form;
}
