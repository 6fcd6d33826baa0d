import type { Env } from "../env";
import { escapeHtml } from "../flow/html";
import type { ScimTokenRecord } from "../store/org/scim/scim-token-ops";
import type { SignInAttempt } from "../store/org/setup-portal-ops";
import type { ConnectionRecord } from "../store/org/types";
import type { IdpGuide, SpValues } from "./guides";
import { IDP_GUIDES } from "./guides";
import type { FormErrors } from "./plain-errors";
import type { PortalSession } from "./portal-session";

/** What every step renders from: the open link, its connection's guide and SP values, and this request's outcome. */
export interface PortalView {
  env: Env;
  session: PortalSession;
  guide: IdpGuide | null;
  sp: SpValues | null;
  attempts: SignInAttempt[];
  /** Plain-words errors of the form just posted, by field name. */
  errors: FormErrors;
  /** The values the admin typed, shown again after a refusal (never a secret). */
  values: Record<string, string>;
  /** Which step's form was just posted (its errors show there). */
  posted: string | null;
  /** Activation refusals in plain words. */
  activationErrors: string[];
  /** The SCIM tokens this link minted (records only), when the link offers the SCIM step. */
  scimTokens: ScimTokenRecord[];
  /** A SCIM token minted by this very request: shown once, in this answer only. */
  mintedScimToken: string | null;
}

/**
 * One step of the portal (SPEC §9). The page shows the steps in this order, each a card
 * with an anchor the side navigation links to; a step is `done` when its part of the
 * connection is in place; the page numbers the listed steps in order. To add a step, add an
 * entry to {@link PORTAL_STEPS} and, for its form, a route in routes.ts.
 */
export interface PortalStep {
  id: string;
  title: string;
  /** Whether the step applies to this connection (all do, unless a protocol has no such step). */
  applies(view: PortalView): boolean;
  /** Whether the side navigation lists the step at all (default: yes, even before it applies). */
  listed?(view: PortalView): boolean;
  done(view: PortalView): boolean;
  render(view: PortalView): string;
}

export const csrfField = (view: PortalView) =>
  `<input type="hidden" name="csrf" value="${escapeHtml(view.session.link.csrfToken)}">`;

/** A labelled input with its hint and its plain-words error next to it (SPEC §9). */
export function field(
  view: PortalView,
  input: { name: string; label: string; hint?: string; type?: string; textarea?: boolean; value?: string },
): string {
  const error = view.errors[input.name];
  const id = `f-${input.name}`;
  const described = [input.hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  const attrs =
    `id="${id}" name="${input.name}"` +
    (described ? ` aria-describedby="${described}"` : "") +
    (error ? ' aria-invalid="true"' : "");
  const value = escapeHtml(input.value ?? view.values[input.name] ?? "");
  const control = input.textarea
    ? `<textarea ${attrs} spellcheck="false">${value}</textarea>`
    : `<input ${attrs} type="${input.type ?? "text"}" value="${input.type === "password" ? "" : value}" autocomplete="off" spellcheck="false">`;
  return (
    `<div class="field"><label for="${id}">${escapeHtml(input.label)}</label>${control}` +
    (input.hint ? `<p class="hint" id="${id}-hint">${input.hint}</p>` : "") +
    (error ? `<p class="error" id="${id}-error" role="alert">${escapeHtml(error)}</p>` : "") +
    `</div>`
  );
}

export function copyRow(id: string, label: string, text: string): string {
  return `<div class="copy"><span>${escapeHtml(label)}</span><code id="${id}">${escapeHtml(text)}</code><button type="button" data-copy="${id}" aria-label="Copy ${escapeHtml(label)}">Copy</button></div>`;
}

export const chooseProvider: PortalStep = {
  id: "provider",
  title: "Identity provider",
  applies: () => true,
  done: (v) => v.session.connection !== null,
  render(v) {
    if (v.guide)
      return `<h2>Identity provider</h2><p>You are setting up <strong>${escapeHtml(v.guide.name)}</strong>.</p>`;
    const allowed = v.session.link.connectionType;
    const guides = IDP_GUIDES.filter((g) => !allowed || g.protocol === allowed);
    return (
      `<h2>Choose your identity provider</h2><p class="lead">Pick the service your company signs in with. You get a guide written for it.</p>` +
      (v.errors.provider ? `<p class="error" role="alert">${escapeHtml(v.errors.provider)}</p>` : "") +
      `<form method="post" action="${v.session.base}/provider">${csrfField(v)}<div class="providers">` +
      guides
        .map(
          (g) =>
            `<button type="submit" name="provider" value="${g.id}">${escapeHtml(g.name)}<small>${escapeHtml(g.blurb)}</small></button>`,
        )
        .join("") +
      `</div></form>`
    );
  },
};

export const configureIdp: PortalStep = {
  id: "configure",
  title: "Configure your IdP",
  applies: (v) => v.guide !== null,
  done: (v) => idpSideGiven(v.session.connection),
  render(v) {
    const guide = v.guide!;
    const sp = v.sp!;
    const connection = v.session.connection!;
    const values =
      connection.type === "saml"
        ? `<h3>Values to copy into ${escapeHtml(guide.name)}</h3>` +
          copyRow("sp-acs", "ACS URL", sp.acsUrl) +
          copyRow("sp-entity", "Entity ID", sp.entityId) +
          copyRow("sp-metadata", "Metadata URL", sp.metadataUrl) +
          `<p class="hint">The same as an XML file: <a href="${escapeHtml(sp.metadataUrl)}" download>download the SP metadata</a>.</p>` +
          `<details><summary>SP signing certificate</summary><pre class="mono" id="sp-cert">${escapeHtml(connection.settings.saml.spSigningCertificate)}</pre><button type="button" class="btn secondary" data-copy="sp-cert">Copy certificate</button></details>`
        : connection.type === "oidc"
          ? `<h3>Value to copy into ${escapeHtml(guide.name)}</h3>` +
            copyRow("sp-redirect", "Redirect URI", sp.oidcRedirectUri)
          : "";
    return (
      `<h2>Configure ${escapeHtml(guide.name)}</h2>${values}` +
      `<h3>Step by step</h3><div class="guide"><ol>${guide
        .steps(sp)
        .map((s) => `<li>${s}</li>`)
        .join("")}</ol></div>`
    );
  },
};

/** Whether the connection has what its protocol needs from the IdP to be tried. */
export function idpSideGiven(connection: ConnectionRecord | null): boolean {
  if (!connection) return false;
  switch (connection.type) {
    case "saml":
      return !!connection.settings.saml.idpSsoUrl && connection.settings.saml.idpCertificates.length > 0;
    case "oidc":
      return !!connection.settings.oidc.issuer && !!connection.settings.oidc.clientId;
    case "ldap":
      return !!connection.settings.ldap.serverUri && !!connection.settings.ldap.baseDn;
  }
}
