import type { Env } from "../../env";
import { unseal } from "../../crypto/seal";
import { exchangeCode } from "../../oidc/exchange-code";
import { completeClaims } from "../../oidc/fetch-userinfo";
import type { OidcFailure } from "../../oidc/oidc-failure";
import { resolveIdp } from "../../oidc/resolve-idp";
import type { PendingLogin, VerifiedIdentity } from "../../store/org/login-types";
import type { OidcConnection } from "../../store/org/types";
import { completeLogin, loginFailed, targetOf, type LoginOutcome } from "../complete-login";
import { checkEmailVerified, oidcIdentity } from "./oidc-identity";

/** The callback's input once the pending login is consumed and bound to this browser. */
export interface OidcCallbackInput {
  connection: OidcConnection;
  pending: PendingLogin;
  upstream: { codeVerifier: string; nonce: string };
  /** The callback's query: `code`, `state`, `iss`, … */
  params: URLSearchParams;
  now: number;
}

/**
 * The callback after the pending login is consumed and bound to this browser: the verified
 * identity ({@link verifyOidcCallback}), then the one completion step every protocol shares
 * (flow/complete-login.ts). Returns where to send the browser.
 */
export async function completeOidcLogin(env: Env, input: OidcCallbackInput): Promise<LoginOutcome> {
  const { connection, pending } = input;
  const target = targetOf(pending);
  const verified = await verifyOidcCallback(env, input);
  if (!verified.ok) return loginFailed(connection, target, verified.reason, verified.detail, verified.outboundDetail);
  return completeLogin(env, { connection, identity: verified.identity, target, assertion: null, now: input.now });
}

/**
 * Everything that talks to the IdP, ending in a verified identity: discovery, the code
 * exchange with the ID token's verification (oauth4webapi: signature, `iss`, `aud`, `azp`,
 * `exp`, `nonce`), userinfo, `email_verified`. No completion: the setup portal's test
 * sign-in (portal/oidc-test-sign-in.ts) stops here and shows the identity.
 */
export async function verifyOidcCallback(
  env: Env,
  input: OidcCallbackInput,
): Promise<{ ok: true; identity: VerifiedIdentity } | OidcFailure> {
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
