import { ui, value } from "../guides/guide";
import type { ScimGuide } from "./guide";

export const oktaScimGuide: ScimGuide = {
  id: "okta",
  name: "Okta",
  provider: "Okta",
  steps: (v) => [
    `In the Okta Admin Console, open the app (${ui("Applications")} › ${ui("Applications")}). On its ${ui("General")} tab, under ${ui("App Settings")}, click ${ui("Edit")}, set ${ui("Provisioning")} to ${ui("SCIM")} and ${ui("Save")}.`,
    `On the new ${ui("Provisioning")} tab, under ${ui("Integration")}, click ${ui("Edit")}. Set ${ui("SCIM connector base URL")} to ${value(v.baseUrl)} and ${ui("Unique identifier field for users")} to ${value("userName")}.`,
    `Under ${ui("Supported provisioning actions")}, check ${ui("Push New Users")}, ${ui("Push Profile Updates")} and ${ui("Push Groups")}.`,
    `Set ${ui("Authentication Mode")} to ${ui("HTTP Header")} and paste the token below into ${ui("Authorization")} (Okta adds ${value("Bearer")} itself). Click ${ui("Test Connector Configuration")}, then ${ui("Save")}.`,
    `Under ${ui("Provisioning")} › ${ui("To App")}, click ${ui("Edit")} and enable ${ui("Create Users")}, ${ui("Update User Attributes")} and ${ui("Deactivate Users")}. Okta sends updates as PUT and deactivation as PATCH ${value("active: false")}: both are handled.`,
    `Assign people or groups on the ${ui("Assignments")} tab; to send groups, add them on the ${ui("Push Groups")} tab.`,
  ],
};
