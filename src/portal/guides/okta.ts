import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const oktaGuide: IdpGuide = {
  id: "okta",
  name: "Okta",
  protocol: "saml",
  provider: "Okta",
  blurb: "SAML 2.0 app integration",
  steps: (sp) => [
    `In the Okta Admin Console, go to ${ui("Applications")} › ${ui("Applications")} and click ${ui("Create App Integration")}.`,
    `Choose ${ui("SAML 2.0")} as the ${ui("Sign-in method")} and click ${ui("Next")}. Give it an ${ui("App name")} your users recognise, then ${ui("Next")}.`,
    `Under ${ui("Configure SAML")}, set ${ui("Single sign-on URL")} to ${value(sp.acsUrl)} and leave ${ui("Use this for Recipient URL and Destination URL")} checked.`,
    `Set ${ui("Audience URI (SP Entity ID)")} to ${value(sp.entityId)}. Set ${ui("Name ID format")} to ${ui("EmailAddress")} and ${ui("Application username")} to ${ui("Email")}.`,
    `Under ${ui("Attribute Statements")}, add these (${ui("Name format")}: ${ui("Unspecified")}):` +
      samlAttributeTable([
        ["email", "user.email"],
        ["firstName", "user.firstName"],
        ["lastName", "user.lastName"],
      ]),
    `To send groups, under ${ui("Group Attribute Statements")} add ${ui("Name")} ${value("groups")} with ${ui("Filter")} ${ui("Matches regex")} ${value(".*")} (or a narrower filter).`,
    `Click ${ui("Next")}, choose ${ui("I'm an Okta customer adding an internal app")}, and ${ui("Finish")}.`,
    `On the app's ${ui("Assignments")} tab, click ${ui("Assign")} › ${ui("Assign to People")} or ${ui("Assign to Groups")} and add yourself, so you can run the test sign-in.`,
  ],
  whereToFindIdpSide: `On the app's ${ui("Sign On")} tab, under ${ui("SAML 2.0")}, copy the ${ui("Metadata URL")} (or open it and save the XML).`,
};
