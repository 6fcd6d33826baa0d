import { AuthnRequestError, parseSamlRequestXml } from "./authn-request.mjs";
import { NS } from "./xml.mjs";

/**
 * The dev IdP's single logout endpoint, for an SP-initiated logout (SAML profiles 4.4.3):
 * reads the SP's LogoutRequest, ends the (notional) IdP session and answers a signed
 * LogoutResponse with Success to the SP's SLO URL, in the binding the request came in.
 */

/**
 * @typedef {object} SpLogoutRequest
 * @property {string} id
 * @property {string} issuer the SP's entity ID
 * @property {string | null} nameId
 * @property {string | null} sessionIndex
 */

/**
 * Parses an SP's LogoutRequest (SAML core 3.7.1) with @xmldom/xmldom, by namespace and local name.
 * @param {string} xml
 * @returns {SpLogoutRequest}
 */
export function parseSpLogoutRequest(xml) {
  const root = parseSamlRequestXml(xml);
  if (!root || root.namespaceURI !== NS.protocol || root.localName !== "LogoutRequest")
    throw new AuthnRequestError("SAMLRequest is not a samlp:LogoutRequest");
  const id = root.getAttribute("ID");
  const text = (/** @type {string} */ ns, /** @type {string} */ name) =>
    Array.from(root.childNodes)
      .find((n) => n.namespaceURI === ns && n.localName === name)
      ?.textContent?.trim() || null;
  const issuer = text(NS.assertion, "Issuer");
  if (!id || !issuer) throw new AuthnRequestError("LogoutRequest has no ID or no Issuer");
  return { id, issuer, nameId: text(NS.assertion, "NameID"), sessionIndex: text(NS.protocol, "SessionIndex") };
}

/**
 * Where the SP takes its LogoutResponse: `spSloUrls[issuer]` when configured, else edge-sso's
 * convention, the SP entity ID's `/slo` (SPEC §8: `{PUBLIC_URL}/saml/{connId}/slo`).
 * @param {SpLogoutRequest} request
 * @param {Record<string, string>} [spSloUrls]
 */
export function spSloUrlOf(request, spSloUrls) {
  return spSloUrls?.[request.issuer] ?? `${request.issuer}/slo`;
}
