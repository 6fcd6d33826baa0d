import { ui, value } from "../guides/guide";
import type { ScimGuide } from "./guide";

export const jumpcloudScimGuide: ScimGuide = {
  id: "jumpcloud",
  name: "JumpCloud",
  provider: "JumpCloud",
  steps: (v) => [
    `In the JumpCloud Admin Portal, go to ${ui("SSO Applications")} and open the SAML app you created for single sign-on (JumpCloud provisions only through an SSO app).`,
    `On its ${ui("Identity Management")} tab, choose ${ui("SCIM 2.0")} as the ${ui("SCIM Version")}.`,
    `Set ${ui("Base URL")} to ${value(v.baseUrl)} and paste the token below into ${ui("Token Key")}. Enter your own address as ${ui("Test User Email")} and click ${ui("Test Connection")}, then ${ui("Activate")}.`,
    `To send groups, check ${ui("Enable management of User Groups and Group Membership in this application")}. Click ${ui("Save")}.`,
    `On the app's ${ui("User Groups")} tab, select the user groups whose members should be provisioned and ${ui("Save")}. Removing a user from them, or suspending the user, deactivates them here.`,
  ],
};
