import type { Env } from "../../env";
import { spUrls } from "../../connections/settings";
import { buildLogoutRequest } from "../../saml/build-logout-request";
import type { SamlSessionName } from "../../store/org/login-types";
import { LOGOUT_REQUEST_TTL_MS, type OutgoingLogoutRequest } from "../../store/org/rp-logout-ops";
import type { SamlConnection } from "../../store/org/types";
import { sendSamlMessage } from "../saml/send-saml-message";
import { spSigningKeyPem } from "../saml/start-saml";

/**
 * Sends the user to the IdP with our LogoutRequest (SAML profiles 4.4.3.1) for the session
 * just ended, in the binding the IdP's metadata names (`idpSloBinding`): HTTP-Redirect (302,
 * the query signed when `signLogoutRequests`) or HTTP-POST (a self-submitting form, the XML
 * enveloped-signed when `signLogoutRequests`). Returns null when the request cannot be signed
 * as configured (no SP signing key): the caller then finishes locally.
 */
export async function sendLogoutRequest(
  env: Env,
  input: { connection: SamlConnection; session: SamlSessionName; request: OutgoingLogoutRequest; now: number },
): Promise<Response | null> {
  const { connection, request } = input;
  const saml = connection.settings.saml;
  if (!saml.idpSloUrl) return null;
  const xml = buildLogoutRequest({
    id: request.requestId,
    issuer: spUrls(env.PUBLIC_URL, connection.id).entityId,
    destination: saml.idpSloUrl,
    nameId: input.session.nameId,
    nameIdFormat: input.session.nameIdFormat,
    nameQualifier: input.session.nameQualifier,
    spNameQualifier: input.session.spNameQualifier,
    sessionIndex: input.session.sessionIndex,
    issueInstant: new Date(input.now),
    notOnOrAfter: new Date(input.now + LOGOUT_REQUEST_TTL_MS),
  });
  const keyPem = saml.signLogoutRequests ? await spSigningKeyPem(env, connection) : null;
  if (saml.signLogoutRequests && !keyPem) return null;
  return sendSamlMessage({
    binding: saml.idpSloBinding,
    destination: saml.idpSloUrl,
    parameter: "SAMLRequest",
    xml,
    relayState: request.relayState,
    signingKeyPem: keyPem,
    signingCertificatePem: saml.spSigningCertificate,
    page: {
      title: "Signing you out…",
      message: "Signing you out at your company's identity provider.",
      button: "Continue to your identity provider",
    },
  });
}
