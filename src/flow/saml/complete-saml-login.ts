import type { Env } from "../../env";
import { spUrls, type SamlSettings } from "../../connections/settings";
import { sha256Hex } from "../../crypto/hash";
import { unseal } from "../../crypto/seal";
import { isRegisteredRedirectUri } from "../../oauth/check-redirect-uri";
import { mappedAttributeNames, verifySamlResponse, type SamlVerificationPolicy } from "../../saml";
import type { LoginTarget, PendingLogin } from "../../store/org/login-types";
import type { SamlConnection } from "../../store/org/types";
import { readClient } from "../../store/cache/app-records";
import { completeLogin, loginFailed, targetOf, type LoginOutcome } from "../complete-login";
import { samlIdentity } from "./attribute-mapping";

/**
 * Verifies a SAMLResponse for a connection (SPEC §5) and hands the verified identity to
 * the one completion step (flow/complete-login.ts: replay cache, member, code).
 * `pending` is the consumed pending login, or null for an IdP-initiated response.
 */
export async function completeSamlLogin(
  env: Env,
  input: {
    connection: SamlConnection;
    samlResponse: string;
    pending: PendingLogin | null;
    now: number;
  },
): Promise<LoginOutcome> {
  const { connection, pending } = input;
  const saml = connection.settings.saml;
  const target = pending ? targetOf(pending) : await idpInitiatedTarget(env, connection);
  if (!target)
    return loginFailed(
      connection,
      null,
      "unsolicited",
      "an IdP-initiated response, and the connection does not accept them",
    );
  const verified = await verifySamlResponse({
    samlResponse: input.samlResponse,
    connection: await verificationPolicy(env, connection, saml),
    expectedRequestId: pending?.requestId,
    now: new Date(input.now),
  });
  if (!verified.ok) return loginFailed(connection, null, verified.error.code, verified.error.message);
  const login = verified.value;
  return completeLogin(env, {
    connection,
    identity: samlIdentity({
      nameId: login.nameId,
      nameIdFormat: login.nameIdFormat,
      attributes: login.attributes,
      mapping: saml.attributeMapping,
    }),
    target,
    assertion: { id: login.assertionId, expiresAt: login.replayCacheUntil.getTime() },
    samlSession: {
      name: {
        nameId: login.nameId,
        nameIdFormat: login.nameIdFormat,
        nameQualifier: login.nameQualifier,
        spNameQualifier: login.spNameQualifier,
        sessionIndex: login.sessionIndex,
      },
      notOnOrAfter: login.sessionNotOnOrAfter?.getTime() ?? null,
    },
    signingCertificateSha256: await sha256Hex(login.signingCertificate),
    now: input.now,
  });
}

/**
 * An IdP-initiated login lands where the connection says, and only when it opts in; the
 * client and redirect URI must still be registered (no open redirect).
 */
async function idpInitiatedTarget(env: Env, connection: SamlConnection): Promise<LoginTarget | null> {
  const settings = connection.settings;
  if (!settings.saml.allowIdpInitiated || !settings.idpInitiatedClientId || !settings.idpInitiatedRedirectUri)
    return null;
  const client = await readClient(env, settings.idpInitiatedClientId);
  // A public client could never redeem the code: IdP-initiated logins carry no PKCE.
  if (!client || client.public || !isRegisteredRedirectUri(client.redirectUris, settings.idpInitiatedRedirectUri))
    return null;
  return {
    clientId: client.clientId,
    redirectUri: settings.idpInitiatedRedirectUri,
    state: null,
    nonce: null,
    codeChallenge: null,
    scope: "openid email profile",
  };
}

/** The verification policy of a connection; the ACS URL is the app's when it hosts its own. */
export async function verificationPolicy(
  env: Env,
  connection: SamlConnection,
  saml: SamlSettings,
): Promise<SamlVerificationPolicy> {
  const urls = spUrls(env.PUBLIC_URL, connection.id);
  // SP key rollover (SPEC §9): the active key, the pending one (already published in SP
  // metadata, so an IdP may encrypt to it) and the one the last activation replaced.
  const { spEncryptionKey, spPendingEncryptionKey, spPreviousEncryptionKey } = connection.secrets;
  const sealed = [spEncryptionKey, spPendingEncryptionKey, spPreviousEncryptionKey].filter(
    (key): key is string => key !== undefined,
  );
  return {
    idpEntityId: saml.idpEntityId ?? "",
    idpCertificates: saml.idpCertificates,
    spEntityId: urls.entityId,
    acsUrl: saml.acsUrlOverride ?? urls.acsUrl,
    wantAssertionsSigned: saml.wantAssertionsSigned,
    wantResponseSigned: saml.wantResponseSigned,
    allowIdpInitiated: saml.allowIdpInitiated,
    allowSha1: saml.allowSha1,
    clockSkewSeconds: saml.clockSkewSeconds,
    mappedAttributes: mappedAttributeNames(saml.attributeMapping),
    spDecryptionKeys: await Promise.all(sealed.map((key) => unseal(env, key))),
  };
}
