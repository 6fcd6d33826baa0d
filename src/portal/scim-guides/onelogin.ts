import { ui, value } from "../guides/guide";
import type { ScimGuide } from "./guide";

export const oneloginScimGuide: ScimGuide = {
  id: "onelogin",
  name: "OneLogin",
  provider: "OneLogin",
  steps: (v) => [
    `In OneLogin, go to ${ui("Applications")} › ${ui("Add App")} and add ${ui("SCIM Provisioner with SAML (SCIM v2 Enterprise)")} (or open your SAML app if it is that connector).`,
    `On the ${ui("Configuration")} tab, set ${ui("SCIM Base URL")} to ${value(v.baseUrl)} and paste the token below into ${ui("SCIM Bearer Token")}. Leave ${ui("SCIM JSON Template")} as given: it sends ${value("userName")} as the user's email.`,
    `Under ${ui("API Connection")}, click ${ui("Enable")}, then ${ui("Save")}.`,
    `On the ${ui("Provisioning")} tab, check ${ui("Enable provisioning")}. Under ${ui("When users are deleted in OneLogin, or the user's app access is removed, perform the below action")} choose ${ui("Delete")} or ${ui("Suspend")}: both stop the user's sign-ins here at once. ${ui("Save")}.`,
    `To send groups, on the ${ui("Parameters")} tab open ${ui("Groups")}, check ${ui("Include in User Provisioning")}, and ${ui("Save")}. Give the app to users on the ${ui("Users")} tab or through a role.`,
  ],
};
