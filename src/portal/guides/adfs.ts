import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const adfsGuide: IdpGuide = {
  id: "adfs",
  name: "ADFS",
  protocol: "saml",
  provider: "ADFS",
  blurb: "Active Directory Federation Services",
  steps: (sp) => [
    `Open ${ui("AD FS Management")}, right-click ${ui("Relying Party Trusts")} and choose ${ui("Add Relying Party Trust…")}. Pick ${ui("Claims aware")} and click ${ui("Start")}.`,
    `On ${ui("Select Data Source")}, choose ${ui("Import data about the relying party published online or on a local network")} and enter ${value(sp.metadataUrl)} as the ${ui("Federation metadata address")}. (Or choose ${ui("Enter data about the relying party manually")} and give ${ui("Relying party trust identifier")} ${value(sp.entityId)} and, under ${ui("Configure URL")}, ${ui("Enable support for the SAML 2.0 WebSSO protocol")} with ${value(sp.acsUrl)}.)`,
    `Give it a ${ui("Display name")}, pick an ${ui("Access Control Policy")} (${ui("Permit everyone")}, or a group you are in), and finish with ${ui("Close")} (leave ${ui("Configure claims issuance policy for this application")} checked).`,
    `In ${ui("Edit Claim Issuance Policy")}, click ${ui("Add Rule…")}, choose ${ui("Send LDAP Attributes as Claims")}, ${ui("Attribute store")} ${ui("Active Directory")}, and map:` +
      samlAttributeTable([
        ["E-Mail Address → E-Mail Address", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"],
        ["Given-Name → Given Name", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"],
        ["Surname → Surname", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"],
        ["Token-Groups - Unqualified Names → Group", "http://schemas.xmlsoap.org/claims/Group"],
      ]),
    `Add a second rule, ${ui("Transform an Incoming Claim")}: ${ui("Incoming claim type")} ${ui("E-Mail Address")}, ${ui("Outgoing claim type")} ${ui("Name ID")}, ${ui("Outgoing name ID format")} ${ui("Email")}. Click ${ui("OK")}.`,
  ],
  whereToFindIdpSide: `Your federation metadata is at ${value("https://<your ADFS host>/FederationMetadata/2007-06/FederationMetadata.xml")} (it must be reachable from the internet), or save that file and upload it.`,
};
