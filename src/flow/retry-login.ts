import type { Env } from "../env";
import { issuerOf } from "../oauth/issuer";
import type { PendingLogin } from "../store/org/login-types";
import type { LoginFailure } from "./login-error";

/**
 * The error page's "Try again" (issue 16): the authorization request a pending login came
 * from, to start it again from the beginning — a new pending login and a new request to the
 * IdP. Offered only once a pending login was consumed by this browser, so its client and
 * exact redirect URI were checked at authorize time and are checked again on the retry; a
 * failure before that (unknown client, wrong redirect URI, no pending login) offers none.
 */
export function retryUrlOf(env: Pick<Env, "PUBLIC_URL">, pending: PendingLogin): string {
  const url = new URL(`${issuerOf(env.PUBLIC_URL)}/oauth/authorize`);
  const params = url.searchParams;
  params.set("response_type", "code");
  params.set("client_id", pending.clientId);
  params.set("redirect_uri", pending.redirectUri);
  params.set("scope", pending.scope);
  if (pending.state !== null) params.set("state", pending.state);
  if (pending.nonce !== null) params.set("nonce", pending.nonce);
  if (pending.codeChallenge !== null) {
    params.set("code_challenge", pending.codeChallenge);
    params.set("code_challenge_method", "S256");
  }
  params.set("connection_id", pending.connectionId);
  if (pending.loginHint) params.set("login_hint", pending.loginHint);
  return url.toString();
}

/** A failure of a consumed pending login, with the retry its error page offers. */
export function withRetry(env: Pick<Env, "PUBLIC_URL">, failure: LoginFailure, pending: PendingLogin): LoginFailure {
  return { ...failure, retryUrl: retryUrlOf(env, pending) };
}
