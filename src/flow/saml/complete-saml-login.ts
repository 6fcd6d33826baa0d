import type { Env } from "../../env";
import { spUrls, type SamlSettings } from "../../connections/settings";
import { sha256Hex } from "../../crypto/hash";
import { unseal } from "../../crypto/seal";
import { newOrgToken } from "../../lib/ids";
import { mappedAttributeNames, verifySamlResponse, type SamlVerificationPolicy } from "../../saml";
import type { LoginTarget, PendingLogin } from "../../store/org/login-types";
import type { SamlConnection } from "../../store/org/types";
import { appOp, orgOp } from "../../store/stores";
import { samlIdentity } from "./attribute-mapping";
import { failureMessage, USER_CAUSED } from "../failure-message";
import type { LoginFailure, TrustedRedirect } from "../login-error";

/** One-time codes live 60 s (SPEC §4). */
export const CODE_TTL_MS = 60_000;

export type SamlLoginOutcome =
  | { ok: true; location: string }
  | { ok: false; failure: LoginFailure; redirect?: { target: TrustedRedirect; oauthError: string } };

/**
 * Verifies a SAMLResponse for a connection and, when it holds, completes the login in the
 * org's object (replay cache, member, code) and returns where to send the browser.
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
): Promise<SamlLoginOutcome> {
  const { connection, pending } = input;
  const saml = connection.settings.saml;
  const fail = (reason: string, detail: string, message: string): SamlLoginOutcome => ({
    ok: false,
    failure: { reason, detail, message, organizationId: connection.organizationId, connectionId: connection.id },
  });
  const target = pending ? targetOf(pending) : await idpInitiatedTarget(env, connection);
  if (!target)
    return fail(
      "unsolicited",
      "an IdP-initiated response, and the connection does not accept them",
      failureMessage("unsolicited"),
    );
  const verified = await verifySamlResponse({
    samlResponse: input.samlResponse,
    connection: await verificationPolicy(env, connection, saml),
    expectedRequestId: pending?.requestId,
    now: new Date(input.now),
  });
  if (!verified.ok)
    return fail(
      verified.error.code,
      verified.error.message,
      "Your identity provider's response could not be accepted.",
    );
  const login = verified.value;
  const code = newOrgToken(connection.organizationId);
  const result = await orgOp(env, connection.organizationId, "completeLogin", {
    connectionId: connection.id,
    assertion: { id: login.assertionId, expiresAt: login.replayCacheUntil.getTime() },
    identity: samlIdentity({
      nameId: login.nameId,
      nameIdFormat: login.nameIdFormat,
      attributes: login.attributes,
      mapping: saml.attributeMapping,
    }),
    target,
    codeHash: await sha256Hex(code),
    codeExpiresAt: input.now + CODE_TTL_MS,
  });
  if (!result.ok) {
    const outcome = fail(result.reason, result.detail, failureMessage(result.reason));
    if (!outcome.ok && USER_CAUSED.has(result.reason))
      outcome.redirect = {
        target: { redirectUri: target.redirectUri, state: target.state },
        oauthError: "access_denied",
      };
    return outcome;
  }
  const location = new URL(target.redirectUri);
  location.searchParams.set("code", code);
  if (target.state !== null) location.searchParams.set("state", target.state);
  return { ok: true, location: location.toString() };
}

function targetOf(pending: PendingLogin): LoginTarget {
  return {
    clientId: pending.clientId,
    redirectUri: pending.redirectUri,
    state: pending.state,
    nonce: pending.nonce,
    codeChallenge: pending.codeChallenge,
    scope: pending.scope,
  };
}

/**
 * An IdP-initiated login lands where the connection says, and only when it opts in; the
 * client and redirect URI must still be registered (no open redirect).
 */
async function idpInitiatedTarget(env: Env, connection: SamlConnection): Promise<LoginTarget | null> {
  const settings = connection.settings;
  if (!settings.saml.allowIdpInitiated || !settings.idpInitiatedClientId || !settings.idpInitiatedRedirectUri)
    return null;
  const client = await appOp(env, "clients", "getClient", { clientId: settings.idpInitiatedClientId });
  // A public client could never redeem the code: IdP-initiated logins carry no PKCE.
  if (!client || client.public || !client.redirectUris.includes(settings.idpInitiatedRedirectUri)) return null;
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
  const sealed = connection.secrets.spEncryptionKey;
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
    spDecryptionKeys: sealed ? [await unseal(env, sealed)] : [],
  };
}
