import { ui, value } from "../guides/guide";
import type { ScimGuide } from "./guide";

export const genericScimGuide: ScimGuide = {
  id: "generic",
  name: "Another SCIM 2.0 client",
  provider: "Generic",
  steps: (v) => [
    `In your identity provider's provisioning settings, choose ${ui("SCIM 2.0")}.`,
    `Set the base URL (also called ${ui("Tenant URL")} or ${ui("SCIM endpoint")}) to ${value(v.baseUrl)}; the resources are ${value("/Users")} and ${value("/Groups")}.`,
    `Choose bearer-token authentication (${value("Authorization: Bearer …")}) and paste the token below.`,
    `Send the user's email as ${value("userName")} (unique per organization) and in ${value("emails")}; deactivation is ${value("active: false")} or DELETE.`,
  ],
};
