import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const duoGuide: IdpGuide = {
  id: "duo",
  name: "Duo",
  protocol: "saml",
  provider: "Duo",
  blurb: "Generic SAML Service Provider",
  steps: (sp) => [
    `In the Duo Admin Panel, go to ${ui("Applications")} › ${ui("Protect an Application")}, search for ${ui("Generic SAML Service Provider")} and click ${ui("Protect")}. (Duo Single Sign-On must be configured with your authentication source first.)`,
    `Under ${ui("Service Provider")}, set ${ui("Entity ID")} to ${value(sp.entityId)} and ${ui("Assertion Consumer Service (ACS) URL")} to ${value(sp.acsUrl)}.`,
    `Under ${ui("SAML Response")}, set ${ui("NameID format")} to ${ui("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")} and ${ui("NameID attribute")} to ${ui("<Email Address>")}. Leave ${ui("Sign response")} and ${ui("Sign assertion")} checked.`,
    `Under ${ui("Map attributes")}, add:` +
      samlAttributeTable([
        ["email", "<Email Address>"],
        ["firstName", "<First Name>"],
        ["lastName", "<Last Name>"],
      ]) +
      ` To send groups, under ${ui("Role attributes")} set ${ui("Attribute name")} ${value("groups")} and map your Duo groups.`,
    `Under ${ui("Settings")}, set who may use it (${ui("Permitted groups")}) and click ${ui("Save")}.`,
  ],
  whereToFindIdpSide: `Under ${ui("Metadata")}, copy the ${ui("Metadata URL")} or click ${ui("Download XML")}.`,
};
