import { ui, value } from "../guides/guide";
import type { ScimGuide } from "./guide";

export const entraIdScimGuide: ScimGuide = {
  id: "entra-id",
  name: "Microsoft Entra ID",
  provider: "Azure",
  steps: (v) => [
    `In the Microsoft Entra admin center, go to ${ui("Enterprise applications")} and open the app you created for single sign-on.`,
    `Open ${ui("Provisioning")} and click ${ui("Get started")} (or ${ui("New configuration")}). Set ${ui("Provisioning Mode")} to ${ui("Automatic")}.`,
    `Under ${ui("Admin Credentials")}, set ${ui("Tenant URL")} to ${value(v.baseUrl)} and paste the token below into ${ui("Secret Token")}. Click ${ui("Test Connection")}, then ${ui("Save")}.`,
    `Under ${ui("Mappings")}, keep ${ui("Provision Microsoft Entra ID Users")} (and ${ui("Provision Microsoft Entra ID Groups")} to send groups) enabled; ${value("userPrincipalName")} → ${value("userName")} is the unique user name, ${value("mail")} → ${value('emails[type eq "work"].value')} the address people sign in with.`,
    `Under ${ui("Settings")}, set ${ui("Scope")} to ${ui("Sync only assigned users and groups")}, set ${ui("Provisioning Status")} to ${ui("On")} and ${ui("Save")}. Entra ID then syncs every 40 minutes; ${ui("Provision on demand")} sends one user now.`,
    `Assign people or groups under ${ui("Users and groups")}. Entra ID deactivates with PATCH ${value("active")} ${value('"False"')} (a string): it is handled.`,
  ],
};
