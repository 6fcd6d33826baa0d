import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const pingGuide: IdpGuide = {
  id: "ping",
  name: "PingOne / PingFederate",
  protocol: "saml",
  provider: "Generic",
  blurb: "SAML application / SP connection",
  steps: (sp) => [
    `<strong>PingOne:</strong> in the admin console, go to ${ui("Applications")} › ${ui("Applications")}, click ${ui("+")} (${ui("Add Application")}), name it and choose ${ui("SAML Application")}, then ${ui("Configure")}.`,
    `Under ${ui("SAML Configuration")}, choose ${ui("Manually Enter")}: ${ui("ACS URLs")} ${value(sp.acsUrl)} and ${ui("Entity ID")} ${value(sp.entityId)}. (Or ${ui("Import From URL")} ${value(sp.metadataUrl)}.) ${ui("Save")}.`,
    `On the ${ui("Attribute Mappings")} tab, set ${ui("saml_subject")} to ${ui("Email Address")} and add:` +
      samlAttributeTable([
        ["email", "Email Address"],
        ["firstName", "Given Name"],
        ["lastName", "Family Name"],
        ["groups", "Group Names"],
      ]),
    `On the ${ui("Access")} tab, add a group you are in; then turn the application on with the toggle at the top.`,
    `<strong>PingFederate:</strong> under ${ui("Applications")} › ${ui("SP Connections")}, create a connection with ${ui("Browser SSO")} (SAML 2.0), ${ui("Partner's Entity ID (Connection ID)")} ${value(sp.entityId)}, ${ui("SP-Initiated SSO")}, an ${ui("Attribute Contract")} with the names above, and an ${ui("Assertion Consumer Service URL")} ${value(sp.acsUrl)} with ${ui("Binding")} ${ui("POST")}.`,
  ],
  whereToFindIdpSide: `PingOne: the application's ${ui("Configuration")} tab shows the ${ui("IDP Metadata URL")} and a ${ui("Download Metadata")} button. PingFederate: export the metadata under ${ui("System")} › ${ui("Protocol Metadata")} › ${ui("Metadata Export")}.`,
};
