import { escapeXml } from "../metadata/build-sp-metadata";
import { NS, SAML_URI } from "../namespaces";

/** What an AuthnRequest says (SAML core 3.4.1). */
export interface AuthnRequestInput {
  /** The request ID, an NCName: InResponseTo must come back equal to it. */
  id: string;
  /** The SP entity ID. */
  issuer: string;
  /** Where the IdP must POST its response. */
  acsUrl: string;
  /** The IdP's SSO URL for the binding used. */
  destination: string;
  /** A NameID format URN for NameIDPolicy, or omitted. */
  nameIdFormat?: string | undefined;
  forceAuthn?: boolean | undefined;
  issueInstant: Date;
}

/**
 * The AuthnRequest XML, written directly in exclusive canonical form (exc-c14n: each
 * namespace declared where it is first used, attributes sorted, no empty-element tags),
 * so that its digest for an enveloped signature is the digest of this very text.
 */
export function buildAuthnRequest(input: AuthnRequestInput): string {
  const attrs = [
    ["AssertionConsumerServiceURL", input.acsUrl],
    ["Destination", input.destination],
    ...(input.forceAuthn ? [["ForceAuthn", "true"]] : []),
    ["ID", input.id],
    ["IssueInstant", instant(input.issueInstant)],
    ["ProtocolBinding", SAML_URI.bindingPost],
    ["Version", "2.0"],
  ].map(([name, value]) => ` ${name}="${escapeXml(value!)}"`).join("");
  const policy = input.nameIdFormat
    ? `<samlp:NameIDPolicy AllowCreate="true" Format="${escapeXml(input.nameIdFormat)}"></samlp:NameIDPolicy>`
    : `<samlp:NameIDPolicy AllowCreate="true"></samlp:NameIDPolicy>`;
  return `<samlp:AuthnRequest xmlns:samlp="${NS.protocol}"${attrs}>${issuerElement(input.issuer)}${policy}</samlp:AuthnRequest>`;
}

export function issuerElement(issuer: string): string {
  return `<saml:Issuer xmlns:saml="${NS.assertion}">${escapeXml(issuer)}</saml:Issuer>`;
}

/** xs:dateTime in UTC with millisecond precision. */
function instant(date: Date): string {
  return date.toISOString();
}
