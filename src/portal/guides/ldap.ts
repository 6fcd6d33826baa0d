import { ui, value, type IdpGuide } from "./guide";

export const ldapGuide: IdpGuide = {
  id: "ldap",
  name: "LDAP directory",
  protocol: "ldap",
  provider: "Generic",
  blurb: "Active Directory, OpenLDAP",
  steps: () => [
    `Make your directory reachable from the internet over ${ui("LDAPS")} (port 636) or ${ui("StartTLS")}, with a certificate from a public authority, or through a tunnel you run. Passwords never cross a network in clear.`,
    `Create a read-only service account (a ${ui("bind DN")}) that may search the users who will sign in, e.g. ${value("cn=edge-sso,ou=services,dc=example,dc=com")}.`,
    `Note the ${ui("base DN")} under which those users live, e.g. ${value("ou=people,dc=example,dc=com")}, and the attribute they sign in with (${value("mail")}, ${value("uid")} or ${value("sAMAccountName")}).`,
  ],
  whereToFindIdpSide: `The server URI (${value("ldaps://ldap.example.com")}), the bind DN and its password, the base DN and the search filter. The connection test below checks each step.`,
};
