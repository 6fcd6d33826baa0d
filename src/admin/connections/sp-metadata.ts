import { settingsOf, spUrls } from "../../connections/settings";
import { buildSpMetadata } from "../../saml/metadata/build-sp-metadata";
import type { ConnectionRecord } from "../../store/org/types";

const NAME_ID_FORMAT_URNS = {
  unspecified: "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
  emailAddress: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
  persistent: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
  transient: "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
  encrypted: "urn:oasis:names:tc:SAML:2.0:nameid-format:encrypted",
} as const;

export function nameIdFormatUrn(format: keyof typeof NAME_ID_FORMAT_URNS): string {
  return NAME_ID_FORMAT_URNS[format];
}

/** SP details as JSON (seed 000 `sso_url`/`audience_uri`, seed 002 `entityId`/`acsUrl`/`logoutUrl`). */
export function spMetadataJson(connection: ConnectionRecord, publicUrl: string) {
  const urls = spUrls(publicUrl, connection.id);
  const saml = settingsOf(connection).saml;
  return {
    entityId: urls.entityId,
    acsUrl: saml?.acsUrlOverride ?? urls.acsUrl,
    sloUrl: urls.sloUrl,
    metadataUrl: urls.metadataUrl,
    nameIdFormat: saml ? nameIdFormatUrn(saml.nameIdFormat) : null,
    signingCertificate: saml?.spSigningCertificate ?? null,
    encryptionCertificate: saml?.spEncryptionCertificate ?? null,
    authnRequestsSigned: saml?.signAuthnRequests ?? false,
    wantAssertionsSigned: saml?.wantAssertionsSigned ?? true,
  };
}

/** The public SP metadata XML served at `/saml/{connId}/metadata`. */
export function spMetadataXml(connection: ConnectionRecord, publicUrl: string): string | null {
  const saml = settingsOf(connection).saml;
  if (!saml) return null;
  const details = spMetadataJson(connection, publicUrl);
  return buildSpMetadata({
    entityId: details.entityId,
    acsUrl: details.acsUrl,
    sloUrl: details.sloUrl,
    signingCertificatePem: saml.spSigningCertificate,
    encryptionCertificatePem: saml.spEncryptionCertificate,
    nameIdFormat: details.nameIdFormat ?? undefined,
    wantAssertionsSigned: saml.wantAssertionsSigned,
    authnRequestsSigned: saml.signAuthnRequests,
  });
}
