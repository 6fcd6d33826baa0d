import type { SpMetadataView } from "../../connections/connection-schema";
import { spUrls } from "../../connections/settings";
import { nameIdFormatUri } from "../../saml/outbound";
import type { ConnectionRecord } from "../../store/org/types";

/** SP details as JSON (seed 000 `sso_url`/`audience_uri`, seed 002 `entityId`/`acsUrl`/`logoutUrl`). */
export function spMetadataJson(connection: ConnectionRecord, publicUrl: string): SpMetadataView {
  const urls = spUrls(publicUrl, connection.id);
  const saml = connection.type === "saml" ? connection.settings.saml : null;
  return {
    entityId: urls.entityId,
    acsUrl: saml?.acsUrlOverride ?? urls.acsUrl,
    sloUrl: urls.sloUrl,
    metadataUrl: urls.metadataUrl,
    nameIdFormat: saml ? nameIdFormatUri(saml.nameIdFormat) : null,
    signingCertificate: saml?.spSigningCertificate ?? null,
    encryptionCertificate: saml?.spEncryptionCertificate ?? null,
    authnRequestsSigned: saml?.signAuthnRequests ?? false,
    wantAssertionsSigned: saml?.wantAssertionsSigned ?? true,
  };
}

/**
 * The public SP metadata XML served at `/saml/{connId}/metadata`. The builder normalizes
 * certificates with @peculiar/x509, so it is imported on first use, not at isolate start.
 */
export async function spMetadataXml(connection: ConnectionRecord, publicUrl: string): Promise<string | null> {
  if (connection.type !== "saml") return null;
  const saml = connection.settings.saml;
  const { buildSpMetadata } = await import("../../saml/metadata/build-sp-metadata");
  const details = spMetadataJson(connection, publicUrl);
  return buildSpMetadata({
    entityId: details.entityId,
    acsUrl: details.acsUrl,
    sloUrl: details.sloUrl,
    signingCertificatePem: saml.spSigningCertificate,
    encryptionCertificatePem: saml.spEncryptionCertificate,
    // SP key rollover (SPEC §9): the pending pair, or the replaced one until it is removed.
    rolloverCertificates: [saml.spPendingKeys, saml.spPreviousKeys].flatMap((pair) =>
      pair
        ? [{ signingCertificatePem: pair.signingCertificate, encryptionCertificatePem: pair.encryptionCertificate }]
        : [],
    ),
    nameIdFormat: details.nameIdFormat ?? undefined,
    wantAssertionsSigned: saml.wantAssertionsSigned,
    authnRequestsSigned: saml.signAuthnRequests,
  });
}
