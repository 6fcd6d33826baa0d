import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const oneloginGuide: IdpGuide = {
  id: "onelogin",
  name: "OneLogin",
  protocol: "saml",
  provider: "OneLogin",
  blurb: "SAML Custom Connector (Advanced)",
  steps: (sp) => [
    `In the OneLogin admin portal, go to ${ui("Applications")} › ${ui("Applications")} and click ${ui("Add App")}.`,
    `Search for ${ui("SAML Custom Connector (Advanced)")}, select it, enter a ${ui("Display Name")} and ${ui("Save")}.`,
    `On the ${ui("Configuration")} tab, set ${ui("Audience (EntityID)")} to ${value(sp.entityId)}, ${ui("Recipient")} and ${ui("ACS (Consumer) URL")} to ${value(sp.acsUrl)}, and ${ui("ACS (Consumer) URL Validator")} to ${value("^" + sp.acsUrl.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") + "$")}.`,
    `Set ${ui("SAML initiator")} to ${ui("Service Provider")} and ${ui("SAML signature element")} to ${ui("Assertion")}. ${ui("Save")}.`,
    `On the ${ui("Parameters")} tab, add these fields (check ${ui("Include in SAML assertion")}):` +
      samlAttributeTable([
        ["email", "Email"],
        ["firstName", "First Name"],
        ["lastName", "Last Name"],
        ["groups", "User Roles (or MemberOf)"],
      ]),
    `On the ${ui("Users")} tab of a user (or through a role on the app's ${ui("Access")} tab), give yourself the app, so you can run the test sign-in.`,
  ],
  whereToFindIdpSide: `Open ${ui("More Actions")} › ${ui("SAML Metadata")} to download the XML, or copy the ${ui("Issuer URL")} from the ${ui("SSO")} tab (it serves the metadata).`,
};
