import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const keycloakGuide: IdpGuide = {
  id: "keycloak",
  name: "Keycloak",
  protocol: "saml",
  provider: "Keycloak",
  blurb: "SAML client in your realm",
  steps: (sp) => [
    `In the Keycloak Admin Console, pick your realm, open ${ui("Clients")} and click ${ui("Create client")}.`,
    `Set ${ui("Client type")} to ${ui("SAML")} and ${ui("Client ID")} to ${value(sp.entityId)} (Keycloak uses the client ID as the SP entity ID). Click ${ui("Next")}.`,
    `Set ${ui("Valid redirect URIs")} to ${value(sp.acsUrl)} and click ${ui("Save")}. Then on ${ui("Advanced")} › ${ui("Fine Grain SAML Endpoint Configuration")}, set ${ui("Assertion Consumer Service POST Binding URL")} to ${value(sp.acsUrl)}.`,
    `On the ${ui("Settings")} tab, set ${ui("Name ID format")} to ${ui("email")} and turn on ${ui("Force name ID format")}. Under ${ui("Signature and Encryption")}, keep ${ui("Sign assertions")} on.`,
    `On the ${ui("Keys")} tab, turn ${ui("Client signature required")} off (edge-sso does not sign its requests unless you enable it).`,
    `On ${ui("Client scopes")} › the client's ${ui("-dedicated")} scope, ${ui("Add mapper")} › ${ui("By configuration")} › ${ui("User Property")} for each:` +
      samlAttributeTable([
        ["email", "Property email"],
        ["firstName", "Property firstName"],
        ["lastName", "Property lastName"],
      ]) +
      ` For groups, add a ${ui("Group list")} mapper with ${ui("Group attribute name")} ${value("groups")} and ${ui("Full group path")} off.`,
  ],
  whereToFindIdpSide: `Under ${ui("Realm settings")} › ${ui("General")} › ${ui("Endpoints")}, open ${ui("SAML 2.0 Identity Provider Metadata")}: its URL is ${value("https://<host>/realms/<realm>/protocol/saml/descriptor")}.`,
};
