import { escapeXml } from "./escape-xml";
import { protocolMessageAttributes } from "./protocol-message";
import { SAML_URI } from "./namespaces";

/** Top-level status codes of SAML core 3.2.2.2 a LogoutResponse of ours may carry. */
export const STATUS = {
  success: SAML_URI.statusSuccess,
  requester: "urn:oasis:names:tc:SAML:2.0:status:Requester",
  responder: "urn:oasis:names:tc:SAML:2.0:status:Responder",
  versionMismatch: "urn:oasis:names:tc:SAML:2.0:status:VersionMismatch",
  /** Second-level (nested) codes. */
  requestDenied: "urn:oasis:names:tc:SAML:2.0:status:RequestDenied",
  requestUnsupported: "urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported",
  partialLogout: "urn:oasis:names:tc:SAML:2.0:status:PartialLogout",
} as const;

/** The Status of a LogoutResponse (SAML core 3.2.2): a top-level code, an optional nested one and a message. */
export interface LogoutStatus {
  code: string;
  subCode?: string;
  message?: string;
}

/** Input of {@link buildLogoutResponse}. */
export interface LogoutResponseInput {
  /** The response ID (an xs:ID: letter or "_" first). */
  id: string;
  /** The SP entity ID. */
  issuer: string;
  /** The IdP's SLO endpoint the response is sent to. */
  destination: string;
  /** The LogoutRequest's ID; null when it could not be read. */
  inResponseTo: string | null;
  status: LogoutStatus;
  /** The clock, injected. */
  issueInstant: Date;
}

/**
 * The XML of a SAML 2.0 LogoutResponse (SAML core 3.7.2, a StatusResponseType): Issuer,
 * then Status with its StatusCode (a second-level code nested in it) and StatusMessage.
 * Unsigned: sign it with {@link signXml} for the POST binding, or sign the redirect query
 * with encodeRedirectBinding (parameter `SAMLResponse`).
 */
export function buildLogoutResponse(input: LogoutResponseInput): string {
  const attributes = [
    ...protocolMessageAttributes("LogoutResponse", input),
    ...(input.inResponseTo !== null ? [`InResponseTo="${escapeXml(input.inResponseTo)}"`] : []),
  ];
  const { code, subCode, message } = input.status;
  const statusCode = subCode
    ? `<samlp:StatusCode Value="${escapeXml(code)}"><samlp:StatusCode Value="${escapeXml(subCode)}"/></samlp:StatusCode>`
    : `<samlp:StatusCode Value="${escapeXml(code)}"/>`;
  return (
    `<samlp:LogoutResponse ${attributes.join(" ")}>` +
    `<saml:Issuer>${escapeXml(input.issuer)}</saml:Issuer>` +
    `<samlp:Status>${statusCode}` +
    (message ? `<samlp:StatusMessage>${escapeXml(message)}</samlp:StatusMessage>` : "") +
    `</samlp:Status></samlp:LogoutResponse>`
  );
}
