import { escapeXml } from "./escape-xml";
import { protocolMessageAttributes } from "./protocol-message";
import { SAML_URI } from "./namespaces";

/** SPEC §2 `nameIdFormat` short names and the URIs they stand for. */
export const NAME_ID_FORMATS = {
  unspecified: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
  emailAddress: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
  persistent: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
  transient: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
  encrypted: "urn:oasis:names:tc:SAML:2.0:nameid-format:encrypted",
} as const;

export type NameIdFormat = keyof typeof NAME_ID_FORMATS;

/** Input of {@link buildAuthnRequest}. */
export interface AuthnRequestInput {
  /** The request ID (an xs:ID: letter or "_" first); the pending login remembers it for InResponseTo. */
  id: string;
  /** The SP entity ID. */
  issuer: string;
  /** Where the IdP must POST the response (the connection's ACS URL or `acsUrlOverride`). */
  acsUrl: string;
  /** The IdP's SSO URL. */
  destination: string;
  /** A SPEC §2 short name or a full NameID format URI. */
  nameIdFormat?: NameIdFormat | string;
  forceAuthn?: boolean;
  /** The clock, injected. */
  issueInstant: Date;
}

/**
 * The XML of a SAML 2.0 AuthnRequest (SAML core 3.4.1) asking for an HTTP-POST response
 * to `acsUrl`. Unsigned: sign it with {@link signXml} for the POST binding, or sign the
 * redirect query with {@link encodeRedirectBinding}.
 */
export function buildAuthnRequest(input: AuthnRequestInput): string {
  const format = input.nameIdFormat === undefined ? undefined : nameIdFormatUri(input.nameIdFormat);
  const attributes = [
    ...protocolMessageAttributes("AuthnRequest", input),
    `AssertionConsumerServiceURL="${escapeXml(input.acsUrl)}"`,
    `ProtocolBinding="${SAML_URI.bindingPost}"`,
    ...(input.forceAuthn ? [`ForceAuthn="true"`] : []),
  ];
  return (
    `<samlp:AuthnRequest ${attributes.join(" ")}>` +
    `<saml:Issuer>${escapeXml(input.issuer)}</saml:Issuer>` +
    (format ? `<samlp:NameIDPolicy Format="${escapeXml(format)}" AllowCreate="true"/>` : "") +
    `</samlp:AuthnRequest>`
  );
}

/** A short name of SPEC §2 to its URI; a URI passes through. */
export function nameIdFormatUri(format: NameIdFormat | string): string {
  return Object.hasOwn(NAME_ID_FORMATS, format) ? NAME_ID_FORMATS[format as NameIdFormat] : format;
}
