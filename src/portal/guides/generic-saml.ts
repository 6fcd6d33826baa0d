import { samlAttributeTable, ui, value, type IdpGuide } from "./guide";

export const genericSamlGuide: IdpGuide = {
  id: "generic-saml",
  name: "Other SAML 2.0 IdP",
  protocol: "saml",
  provider: "Generic",
  blurb: "Any SAML 2.0 identity provider",
  steps: (sp) => [
    `In your identity provider, create a new SAML 2.0 application (often called a ${ui("service provider")}, ${ui("relying party")} or ${ui("SAML app")}).`,
    `If it can import service provider metadata, give it ${value(sp.metadataUrl)} and skip to the attributes. Otherwise enter the ${ui("ACS URL")} (also called ${ui("Reply URL")}, ${ui("Single sign-on URL")} or ${ui("Consumer URL")}) ${value(sp.acsUrl)}, with the ${ui("HTTP-POST")} binding, and the ${ui("SP Entity ID")} (${ui("Audience")}, ${ui("Identifier")}) ${value(sp.entityId)}.`,
    `Sign the assertion (RSA-SHA256). Use the email address as the ${ui("NameID")} (format ${value("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress")}) or send a stable persistent ID.`,
    `Send these attributes (other common names such as ${value("mail")}, ${value("givenName")} and ${value("sn")} work too):` +
      samlAttributeTable([
        ["email", "the user's email address"],
        ["firstName", "given name"],
        ["lastName", "family name"],
        ["groups", "group names (optional, several values)"],
      ]),
    `Assign the application to yourself, so you can run the test sign-in.`,
  ],
  whereToFindIdpSide: `Your IdP's metadata (an XML file with an ${ui("IDPSSODescriptor")}), its URL, or at least its sign-in URL and signing certificate.`,
};
