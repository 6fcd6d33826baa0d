import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const auth0Guide: IdpGuide = {
  id: "auth0",
  name: "Auth0",
  protocol: "saml",
  provider: "Generic",
  blurb: "Application with the SAML2 Web App add-on",
  steps: (sp) => [
    `In the Auth0 Dashboard, go to ${ui("Applications")} › ${ui("Applications")}, click ${ui("+ Create Application")}, name it and choose ${ui("Regular Web Applications")}.`,
    `Open the application's ${ui("Addons")} tab and turn on ${ui("SAML2 Web App")}.`,
    `On the add-on's ${ui("Settings")} tab, set ${ui("Application Callback URL")} to ${value(sp.acsUrl)}.`,
    `In the ${ui("Settings")} JSON box, set the audience and the attribute names edge-sso reads:` +
      `<pre class="mono">${escapeJson(sp.entityId)}</pre>` +
      samlAttributeTable([
        ["email", "the user's email"],
        ["firstName", "given_name"],
        ["lastName", "family_name"],
      ]),
    `Click ${ui("Enable")} (at the bottom of the add-on) and make sure the connection your users sign in with is enabled on the application's ${ui("Connections")} tab.`,
  ],
  whereToFindIdpSide: `On the add-on's ${ui("Usage")} tab, copy the ${ui("Identity Provider Metadata")} link (${value("https://<tenant>.auth0.com/samlp/metadata/<client id>")}) or download it.`,
};

function escapeJson(entityId: string): string {
  const settings = {
    audience: entityId,
    nameIdentifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    nameIdentifierProbes: ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"],
    mappings: { email: "email", given_name: "firstName", family_name: "lastName" },
  };
  return JSON.stringify(settings, null, 2).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
