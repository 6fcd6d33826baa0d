import { escapeXml } from "./escape-xml";
import { protocolMessageAttributes } from "./protocol-message";

/** Input of {@link buildLogoutRequest}. */
export interface LogoutRequestInput {
  /** The request ID (an xs:ID); the LogoutResponse's InResponseTo must name it. */
  id: string;
  /** The SP entity ID. */
  issuer: string;
  /** The IdP's SLO URL. */
  destination: string;
  /** The session's NameID exactly as the login's assertion gave it (SAML core 3.7.1: the principal). */
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  /** The AuthnStatement's SessionIndex recorded at login; null when the IdP sent none. */
  sessionIndex: string | null;
  /** The clock, injected. */
  issueInstant: Date;
  /** NotOnOrAfter (SAML core 3.7.1): how long the IdP may act on it. */
  notOnOrAfter: Date;
}

/**
 * The XML of a SAML 2.0 LogoutRequest (SAML core 3.7.1, profiles 4.4.4.1) naming the
 * session the SP ends: the NameID with its Format and qualifiers as the IdP asserted them, and
 * its SessionIndex. Unsigned: sign it with signXml for the POST binding, or sign the redirect
 * query with encodeRedirectBinding.
 */
export function buildLogoutRequest(input: LogoutRequestInput): string {
  const attributes = [
    ...protocolMessageAttributes("LogoutRequest", input),
    `NotOnOrAfter="${input.notOnOrAfter.toISOString()}"`,
  ];
  const nameIdAttributes = [
    ...(input.nameQualifier !== null ? [`NameQualifier="${escapeXml(input.nameQualifier)}"`] : []),
    ...(input.spNameQualifier !== null ? [`SPNameQualifier="${escapeXml(input.spNameQualifier)}"`] : []),
    ...(input.nameIdFormat !== null ? [`Format="${escapeXml(input.nameIdFormat)}"`] : []),
  ];
  return (
    `<samlp:LogoutRequest ${attributes.join(" ")}>` +
    `<saml:Issuer>${escapeXml(input.issuer)}</saml:Issuer>` +
    `<saml:NameID${nameIdAttributes.map((a) => ` ${a}`).join("")}>${escapeXml(input.nameId)}</saml:NameID>` +
    (input.sessionIndex !== null ? `<samlp:SessionIndex>${escapeXml(input.sessionIndex)}</samlp:SessionIndex>` : "") +
    `</samlp:LogoutRequest>`
  );
}
