import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const googleWorkspaceGuide: IdpGuide = {
  id: "google-workspace",
  name: "Google Workspace",
  protocol: "saml",
  provider: "Google",
  blurb: "Custom SAML app",
  steps: (sp) => [
    `In the Google Admin console, go to ${ui("Apps")} › ${ui("Web and mobile apps")}, then ${ui("Add app")} › ${ui("Add custom SAML app")}.`,
    `Enter an ${ui("App name")} and click ${ui("Continue")}.`,
    `On ${ui("Google Identity Provider details")}, click ${ui("Download Metadata")} (${ui("DOWNLOAD METADATA")}) and keep the file: you upload it in the next step here. Click ${ui("Continue")}.`,
    `On ${ui("Service provider details")}, set ${ui("ACS URL")} to ${value(sp.acsUrl)} and ${ui("Entity ID")} to ${value(sp.entityId)}. Leave ${ui("Signed response")} unchecked. Set ${ui("Name ID format")} to ${ui("EMAIL")} and ${ui("Name ID")} to ${ui("Basic Information > Primary email")}. Click ${ui("Continue")}.`,
    `On ${ui("Attribute mapping")}, add these mappings:` +
      samlAttributeTable([
        ["email", "Basic Information › Primary email"],
        ["firstName", "Basic Information › First name"],
        ["lastName", "Basic Information › Last name"],
      ]) +
      ` To send groups, under ${ui("Group membership (optional)")} pick the groups and set ${ui("App attribute")} to ${value("groups")}. Click ${ui("Finish")}.`,
    `Open the app's ${ui("User access")} panel, set ${ui("Service status")} to ${ui("ON for everyone")} (or for your organizational unit) and ${ui("Save")}. It can take a few minutes to apply.`,
  ],
  whereToFindIdpSide: `Upload the metadata file you downloaded (${ui("GoogleIDPMetadata.xml")}). Google gives no metadata URL.`,
};
