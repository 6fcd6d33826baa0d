import type { Env } from "../../env";
import { CODE_TTL_MS } from "../saml/complete-saml-login";
import type { LoginFailure, TrustedRedirect } from "../login-error";
import { sha256Hex } from "../../crypto/hash";
import { unseal } from "../../crypto/seal";
import { newOrgToken } from "../../lib/ids";
import type { LoginTarget, PendingLogin } from "../../store/org/login-types";
import type { OidcConnection } from "../../store/org/types";
import { orgOp } from "../../store/stores";
import { exchangeCode } from "../../oidc/exchange-code";
import { failureMessage, USER_CAUSED } from "../failure-message";
import { completeClaims } from "../../oidc/fetch-userinfo";
import { checkEmailVerified, oidcIdentity } from "./oidc-identity";
import type { OidcFailure } from "../../oidc/oidc-failure";
import { resolveIdp } from "../../oidc/resolve-idp";

export type OidcLoginOutcome =
  | { ok: true; location: string }
  | { ok: false; failure: LoginFailure; redirect?: { target: TrustedRedirect; oauthError: string } };

/**
 * The callback after the pending login is consumed and bound to this browser: exchange the
 * code, verify the ID token, complete the claims, then the same member/JIT/code path as
 * SAML (the org's `completeLogin`, atomically). Returns where to send the browser.
 */
export async function completeOidcLogin(
  env: Env,
  input: {
    connection: OidcConnection;
    pending: PendingLogin;
    upstream: { codeVerifier: string; nonce: string };
    params: URLSearchParams;
    now: number;
  },
): Promise<OidcLoginOutcome> {
  const { connection, pending } = input;
  const target = targetOf(pending);
  const fail = (reason: string, detail: string): OidcLoginOutcome => {
    const failure: LoginFailure = {
      reason,
      detail,
      message: failureMessage(reason),
      organizationId: connection.organizationId,
      connectionId: connection.id,
    };
    return USER_CAUSED.has(reason)
      ? { ok: false, failure, redirect: { target, oauthError: "access_denied" } }
      : { ok: false, failure };
  };
  const verified = await verifyUpstream(env, input);
  if (!verified.ok) return fail(verified.reason, verified.detail);
  const code = newOrgToken(connection.organizationId);
  const result = await orgOp(env, connection.organizationId, "completeLogin", {
    connectionId: connection.id,
    assertion: null,
    identity: verified.identity,
    target,
    codeHash: await sha256Hex(code),
    codeExpiresAt: input.now + CODE_TTL_MS,
  });
  if (!result.ok) return fail(result.reason, result.detail);
  const location = new URL(target.redirectUri);
  location.searchParams.set("code", code);
  if (target.state !== null) location.searchParams.set("state", target.state);
  return { ok: true, location: location.toString() };
}

/** Everything that talks to the IdP, ending in a verified identity. */
async function verifyUpstream(env: Env, input: Parameters<typeof completeOidcLogin>[1]) {
  const { connection, pending } = input;
  const resolved = await resolveIdp(env, connection, input.now);
  if (!resolved.ok) return resolved;
  const idp = resolved.idp;
  const sealed = connection.secrets.clientSecret;
  if (!sealed)
    return {
      ok: false,
      reason: "discovery_failed",
      detail: "the connection has no client secret",
    } satisfies OidcFailure;
  const exchanged = await exchangeCode(env, idp, {
    organizationId: connection.organizationId,
    connectionId: connection.id,
    params: input.params,
    state: pending.relayState,
    codeVerifier: input.upstream.codeVerifier,
    nonce: input.upstream.nonce,
    clientSecret: await unseal(env, sealed),
    now: input.now,
  });
  if (!exchanged.ok) return exchanged;
  const claims = await completeClaims(idp, exchanged.tokens.claims, exchanged.tokens.accessToken);
  if (!claims.ok) return claims;
  const identity = oidcIdentity(claims.claims);
  const unverified = checkEmailVerified(identity, idp.settings.emailVerifiedRequired);
  if (unverified) return unverified;
  return { ok: true as const, identity };
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
