import type { Env } from "../env";
import { mintAuthorizationCode } from "../oauth/authorization-code";
import { SESSION_TTL_MS } from "../oauth/lifetimes";
import { newOrgToken } from "../lib/ids";
import type { LoginTarget, PendingLogin, SamlSessionName, VerifiedIdentity } from "../store/org/login-types";
import type { ConnectionRecord } from "../store/org/types";
import { readClient } from "../store/cache/app-records";
import { orgOp } from "../store/stores";
import { isRegisteredRedirectUri } from "../oauth/check-redirect-uri";
import { isUserCaused, type BrowserFailureReason } from "./failure-reasons";
import type { ErrorRedirect, LoginFailure } from "./login-error";

/** Where a login ends: the app's redirect URI with a code, or a failure to show or redirect. */
export type LoginOutcome =
  { ok: true; location: string } | { ok: false; failure: LoginFailure; redirect?: ErrorRedirect };

/** What every protocol hands over once the IdP's answer is verified (SAML, OIDC; LDAP later). */
export interface VerifiedLogin {
  connection: ConnectionRecord;
  identity: VerifiedIdentity;
  /** Where the login goes: the pending login's client and redirect URI, or the IdP-initiated target. */
  target: LoginTarget;
  /** A SAML assertion for the replay cache until `expiresAt` (epoch ms); null for other protocols. */
  assertion: { id: string; expiresAt: number } | null;
  /** A SAML login's session as the IdP names it, and its SessionNotOnOrAfter (epoch ms); absent for other protocols. */
  samlSession?: { name: SamlSessionName; notOnOrAfter: number | null };
  /** SAML: SHA-256 (hex) of the IdP certificate that verified the assertion (SPEC §9 rotation). */
  signingCertificateSha256?: string;
  now: number;
}

/**
 * The one completion step of every login (SPEC §3): the org's `completeLogin` matches or
 * JIT-creates the member, stores a one-time code (minted by oauth/), opens the login's
 * session (its `sid` goes into the ID tokens, SPEC §9) and records the events, atomically;
 * the browser then goes to the app's redirect URI with the code and `state`.
 */
export async function completeLogin(env: Env, login: VerifiedLogin): Promise<LoginOutcome> {
  const { connection, target } = login;
  const gone = await unregisteredTarget(env, target, login.now);
  if (gone) return loginFailed(connection, null, gone.reason, gone.detail);
  const minted = await mintAuthorizationCode(connection.organizationId, login.now);
  const sessionEnd = Math.min(login.now + SESSION_TTL_MS, login.samlSession?.notOnOrAfter ?? Infinity);
  const result = await orgOp(env, connection.organizationId, "completeLogin", {
    connectionId: connection.id,
    assertion: login.assertion,
    identity: login.identity,
    target,
    codeHash: minted.codeHash,
    codeExpiresAt: minted.expiresAt,
    session: {
      sid: newOrgToken(connection.organizationId),
      saml: login.samlSession?.name ?? null,
      expiresAt: sessionEnd,
    },
    signingCertificateSha256: login.signingCertificateSha256,
  });
  if (!result.ok) return loginFailed(connection, target, result.reason, result.detail);
  const location = new URL(target.redirectUri);
  location.searchParams.set("code", minted.code);
  if (target.state !== null) location.searchParams.set("state", target.state);
  return { ok: true, location: location.toString() };
}

/**
 * Why the target may no longer receive a code: its client was deleted, or its redirect URI
 * removed, since the login started (a pending login lives 10 minutes). Read from this
 * isolate's copy of the client, so such a change stops codes within SPEC §1's 30 s. The
 * failure ends on the error page: the URI is no longer trusted with even an error.
 */
async function unregisteredTarget(
  env: Env,
  target: LoginTarget,
  now: number,
): Promise<{ reason: "unknown_client" | "redirect_uri_mismatch"; detail: string } | null> {
  const client = await readClient(env, target.clientId, now);
  if (!client) return { reason: "unknown_client", detail: `client ${target.clientId} no longer exists` };
  if (!isRegisteredRedirectUri(client.redirectUris, target.redirectUri))
    return {
      reason: "redirect_uri_mismatch",
      detail: `redirect_uri ${target.redirectUri} is no longer registered for ${client.clientId}`,
    };
  return null;
}

/**
 * A login of `connection` that failed for `reason`. A refusal the user caused goes back to
 * the app as `access_denied` when there is a target (its redirect URI was checked at
 * authorize time); anything else ends on the error page.
 */
export function loginFailed(
  connection: ConnectionRecord,
  target: LoginTarget | null,
  reason: BrowserFailureReason,
  detail: string,
  outboundDetail?: string,
): LoginOutcome {
  const failure: LoginFailure = {
    reason,
    detail,
    outboundDetail,
    organizationId: connection.organizationId,
    connectionId: connection.id,
  };
  if (!target || !isUserCaused(reason)) return { ok: false, failure };
  return {
    ok: false,
    failure,
    redirect: { target: { redirectUri: target.redirectUri, state: target.state }, oauthError: "access_denied" },
  };
}

/** The target a pending login names: the app's client, exact redirect URI, state and PKCE. */
export function targetOf(pending: PendingLogin): LoginTarget {
  return {
    clientId: pending.clientId,
    redirectUri: pending.redirectUri,
    state: pending.state,
    nonce: pending.nonce,
    codeChallenge: pending.codeChallenge,
    scope: pending.scope,
  };
}
