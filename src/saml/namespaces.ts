/** XML namespace URIs. Elements are matched by namespace URI + local name, never by prefix (SPEC §5). */
export const NS = {
  protocol: "urn:oasis:names:tc:SAML:2.0:protocol",
  assertion: "urn:oasis:names:tc:SAML:2.0:assertion",
  dsig: "http://www.w3.org/2000/09/xmldsig#",
  xenc: "http://www.w3.org/2001/04/xmlenc#",
  xenc11: "http://www.w3.org/2009/xmlenc11#",
  excC14n: "http://www.w3.org/2001/10/xml-exc-c14n#",
  xmlns: "http://www.w3.org/2000/xmlns/",
  xml: "http://www.w3.org/XML/1998/namespace",
} as const;

/** SAML URIs the verifier compares against. */
export const SAML_URI = {
  statusSuccess: "urn:oasis:names:tc:SAML:2.0:status:Success",
  bearer: "urn:oasis:names:tc:SAML:2.0:cm:bearer",
  bindingPost: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
  bindingRedirect: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
} as const;
