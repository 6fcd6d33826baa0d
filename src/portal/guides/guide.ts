import { escapeHtml } from "../../flow/html";
import type { PROVIDERS } from "../../admin/connections/schemas";

/** What the customer's IT admin copies into the IdP (SPEC §9 "copy the SP values"). */
export interface SpValues {
  acsUrl: string;
  entityId: string;
  metadataUrl: string;
  /** The OpenID Connect redirect URI (`{PUBLIC_URL}/oidc/callback`). */
  oidcRedirectUri: string;
}

/**
 * One identity provider's setup guide (SPEC §9): its own screen and field names, where the
 * ACS URL and entity ID go, which attribute names to send, and where to find what the
 * portal asks for next. One file per IdP in this folder; `index.ts` lists them in the
 * order the portal shows them. To add an IdP, add a file and one line there.
 */
export interface IdpGuide {
  /** URL-safe id, e.g. `okta` (the form value of the provider step). */
  id: string;
  /** The IdP's name as its admins know it. */
  name: string;
  protocol: "saml" | "oidc" | "ldap";
  /** The connection's `provider` (SPEC §2): it chooses attribute-name defaults. */
  provider: (typeof PROVIDERS)[number];
  /** A few words under the name on the chooser. */
  blurb: string;
  /** The steps in the IdP's console, as HTML built with {@link ui} and {@link value}. */
  steps(sp: SpValues): string[];
  /** Where the IdP shows what the next portal step asks for (metadata URL/XML, issuer, server). */
  whereToFindIdpSide: string;
}

/** A label, menu, tab or button exactly as the IdP's console shows it. */
export function ui(label: string): string {
  return `<span class="ui">${escapeHtml(label)}</span>`;
}

/** A value to type or paste. */
export function value(text: string): string {
  return `<code class="mono">${escapeHtml(text)}</code>`;
}

/** The SAML attributes edge-sso reads by default (src/saml/attribute-names.ts), as a sentence. */
export function samlAttributeTable(rows: [string, string][]): string {
  return (
    `<table><thead><tr><th scope="col">Attribute name</th><th scope="col">Value in the IdP</th></tr></thead><tbody>` +
    rows.map(([name, source]) => `<tr><td>${value(name)}</td><td>${escapeHtml(source)}</td></tr>`).join("") +
    `</tbody></table>`
  );
}
