import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const ripplingGuide: IdpGuide = {
  id: "rippling",
  name: "Rippling",
  protocol: "saml",
  provider: "Rippling",
  blurb: "Custom app with SAML",
  steps: (sp) => [
    `In Rippling, open ${ui("App Shop")}, search for the app by name; if it is not listed, choose ${ui("Create New App")} (custom app) and select ${ui("Single Sign-On (SAML)")}.`,
    `When Rippling asks whether you are the app's developer, continue as an admin: it then shows the ${ui("SSO Setup")} page with its own IdP details.`,
    `Enter ${ui("ACS URL")} ${value(sp.acsUrl)} and ${ui("Service Provider Entity ID")} (${ui("Entity ID")}) ${value(sp.entityId)}.`,
    `Under ${ui("Advanced SAML Settings")} › ${ui("Attributes")}, send:` +
      samlAttributeTable([
        ["email", "Work email"],
        ["firstName", "First name"],
        ["lastName", "Last name"],
        ["groups", "Groups (optional)"],
      ]),
    `Under ${ui("Access Rules")}, choose who gets the app and include yourself, then ${ui("Save")}.`,
  ],
  whereToFindIdpSide: `On the ${ui("SSO Setup")} page, copy the ${ui("IdP Metadata URL")}, or download the ${ui("IdP Metadata")} XML.`,
};
