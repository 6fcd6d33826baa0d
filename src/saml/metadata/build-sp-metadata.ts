/**
 * Builds the SP metadata edge-sso publishes at `sp.metadataUrl` (SPEC §8): one
 * EntityDescriptor with an SPSSODescriptor, elements in the schema order of SAML
 * metadata §2.4.2 and §2.4.4 (KeyDescriptor, SingleLogoutService, NameIDFormat,
 * AssertionConsumerService).
 */
import { normalizeCertificate } from "./normalize-certificate";
import { NAME_ID_FORMATS, nameIdFormatUri } from "../build-authn-request";
import { escapeXml } from "../escape-xml";

export { escapeXml };

/** Inputs of {@link buildSpMetadata}; certificates in any form normalizeCertificate accepts. */
export interface SpMetadataInput {
  entityId: string;
  acsUrl: string;
  /** The SingleLogoutService location; null lists none (while single logout is not built). */
  sloUrl: string | null;
  signingCertificatePem: string;
  encryptionCertificatePem: string;
  /**
   * Further pairs published beside the active one during an SP key rollover (SPEC §9): each
   * certificate gets its own KeyDescriptor after the active one of its use.
   */
  rolloverCertificates?: { signingCertificatePem: string; encryptionCertificatePem: string }[];
  /** A short name from SPEC §2 (`emailAddress`, ...) or a full NameID format URN; default `unspecified`. */
  nameIdFormat?: string;
  wantAssertionsSigned: boolean;
  authnRequestsSigned: boolean;
}

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const SAML2_PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
const HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/**
 * Returns SP metadata XML. Every value is XML-escaped.
 * @throws TypeError when a certificate is not a valid X.509 certificate.
 */
export function buildSpMetadata(input: SpMetadataInput): string {
  const pairs = [input, ...(input.rolloverCertificates ?? [])];
  const signing = pairs.map((pair) => certificateBase64(pair.signingCertificatePem, "signing"));
  const encryption = pairs.map((pair) => certificateBase64(pair.encryptionCertificatePem, "encryption"));
  const nameIdFormat = resolveNameIdFormat(input.nameIdFormat);
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<md:EntityDescriptor xmlns:md="${MD}" xmlns:ds="${DS}" entityID="${escapeXml(input.entityId)}">`,
    `  <md:SPSSODescriptor AuthnRequestsSigned="${input.authnRequestsSigned}" ` +
      `WantAssertionsSigned="${input.wantAssertionsSigned}" protocolSupportEnumeration="${SAML2_PROTOCOL}">`,
    ...signing.flatMap((certificate) => keyDescriptor("signing", certificate)),
    ...encryption.flatMap((certificate) => keyDescriptor("encryption", certificate)),
    ...singleLogoutServices(input.sloUrl),
    `    <md:NameIDFormat>${escapeXml(nameIdFormat)}</md:NameIDFormat>`,
    `    <md:AssertionConsumerService Binding="${HTTP_POST}" Location="${escapeXml(input.acsUrl)}" ` +
      `index="0" isDefault="true"/>`,
    `  </md:SPSSODescriptor>`,
    `</md:EntityDescriptor>`,
  ];
  return lines.join("\n") + "\n";
}

function singleLogoutServices(sloUrl: string | null): string[] {
  if (sloUrl === null) return [];
  return [HTTP_REDIRECT, HTTP_POST].map(
    (binding) => `    <md:SingleLogoutService Binding="${binding}" Location="${escapeXml(sloUrl)}"/>`,
  );
}

function keyDescriptor(use: "signing" | "encryption", certificateBase64: string): string[] {
  return [
    `    <md:KeyDescriptor use="${use}">`,
    `      <ds:KeyInfo>`,
    `        <ds:X509Data>`,
    `          <ds:X509Certificate>${certificateBase64}</ds:X509Certificate>`,
    `        </ds:X509Data>`,
    `      </ds:KeyInfo>`,
    `    </md:KeyDescriptor>`,
  ];
}

function certificateBase64(pem: string, use: string): string {
  const normalized = normalizeCertificate(pem);
  if (!normalized.ok) throw new TypeError(`${use} certificate: ${normalized.reason}`);
  return normalized.pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
}

function resolveNameIdFormat(format: string | undefined): string {
  return format === undefined || format === "" ? NAME_ID_FORMATS.unspecified : nameIdFormatUri(format);
}
