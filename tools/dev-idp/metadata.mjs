import { BINDING, NAMEID_FORMAT, NS, escapeXml, pemBody } from "./xml.mjs";

/**
 * The IdP's SAML metadata (SAML metadata 2.4.3): entityID, the signing certificate, and
 * SingleSignOnService for the HTTP-Redirect and HTTP-POST bindings.
 * @param {{entityId: string, ssoUrl: string, certificatePem: string}} options
 * @returns {string}
 */
export function idpMetadataXml({ entityId, ssoUrl, certificatePem }) {
  const formats = [NAMEID_FORMAT.email, NAMEID_FORMAT.persistent, NAMEID_FORMAT.transient, NAMEID_FORMAT.unspecified];
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="${NS.metadata}" xmlns:ds="${NS.dsig}" entityID="${escapeXml(entityId)}">` +
    `<md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="${NS.protocol}">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${pemBody(certificatePem)}` +
    `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    formats.map((f) => `<md:NameIDFormat>${f}</md:NameIDFormat>`).join("") +
    `<md:SingleSignOnService Binding="${BINDING.redirect}" Location="${escapeXml(ssoUrl)}"/>` +
    `<md:SingleSignOnService Binding="${BINDING.post}" Location="${escapeXml(ssoUrl)}"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>\n`
  );
}
