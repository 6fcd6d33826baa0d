import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const entraIdGuide: IdpGuide = {
  id: "entra-id",
  name: "Microsoft Entra ID",
  protocol: "saml",
  provider: "Azure",
  blurb: "Azure AD · Enterprise application",
  steps: (sp) => [
    `In the Microsoft Entra admin center, go to ${ui("Identity")} › ${ui("Applications")} › ${ui("Enterprise applications")} and click ${ui("New application")}.`,
    `Click ${ui("Create your own application")}, name it, choose ${ui("Integrate any other application you don't find in the gallery (Non-gallery)")} and click ${ui("Create")}.`,
    `In the new app, open ${ui("Single sign-on")} and pick ${ui("SAML")}.`,
    `In box 1, ${ui("Basic SAML Configuration")}, click ${ui("Edit")}: add ${value(sp.entityId)} under ${ui("Identifier (Entity ID)")} and ${value(sp.acsUrl)} under ${ui("Reply URL (Assertion Consumer Service URL)")}. ${ui("Save")}.`,
    `Box 2, ${ui("Attributes & Claims")}, already sends what edge-sso reads: the email, given name and surname claims:` +
      samlAttributeTable([
        ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "user.mail"],
        ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "user.givenname"],
        ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "user.surname"],
      ]),
    `To send groups, click ${ui("Edit")} in box 2, then ${ui("Add a group claim")}, choose ${ui("Groups assigned to the application")} (or ${ui("Security groups")}) and ${ui("Save")}. Entra sends them as ${value("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups")}.`,
    `Open ${ui("Users and groups")}, click ${ui("Add user/group")} and assign yourself, so you can run the test sign-in.`,
  ],
  whereToFindIdpSide: `In box 3, ${ui("SAML Certificates")}, copy the ${ui("App Federation Metadata Url")}, or download ${ui("Federation Metadata XML")}.`,
};
