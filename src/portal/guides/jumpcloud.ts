import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const jumpcloudGuide: IdpGuide = {
  id: "jumpcloud",
  name: "JumpCloud",
  protocol: "saml",
  provider: "JumpCloud",
  blurb: "Custom SAML App",
  steps: (sp) => [
    `In the JumpCloud Admin Portal, go to ${ui("User Authentication")} › ${ui("SSO Applications")} and click ${ui("+ Add New Application")}.`,
    `Choose ${ui("Custom Application")}, then ${ui("Manage Single Sign-On (SSO)")} › ${ui("Configure SSO with SAML")}, give it a ${ui("Display Label")} and save.`,
    `On the ${ui("SSO")} tab, set ${ui("IdP Entity ID")} to something unique such as your company domain, ${ui("SP Entity ID")} to ${value(sp.entityId)} and ${ui("ACS URLs")} (${ui("Default URL")}) to ${value(sp.acsUrl)}.`,
    `Set ${ui("SAMLSubject NameID")} to ${ui("email")} and ${ui("SAMLSubject NameID Format")} to ${value("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")}. Choose ${ui("Sign Assertion")}.`,
    `Under ${ui("Attributes")} › ${ui("User Attribute Mapping")}, add:` +
      samlAttributeTable([
        ["email", "email"],
        ["firstName", "firstname"],
        ["lastName", "lastname"],
      ]) +
      ` To send groups, check ${ui("Include group attribute")} and name it ${value("groups")}.`,
    `On the ${ui("User Groups")} tab, bind a group you are in, and ${ui("save")}.`,
  ],
  whereToFindIdpSide: `After saving, open the app again and click ${ui("Export Metadata")} to download the XML.`,
};
