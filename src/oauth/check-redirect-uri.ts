import type { TokenRefusal } from "./oauth-error";
import { ok, refuse, type Result } from "./result";

/**
 * Whether `presented` is one of the client's registered redirect URIs, by simple string
 * comparison (RFC 9700 §4.1.3, OAuth 2.1 §2.3.1): no normalization, so case, percent-
 * encoding, trailing slash, prefix or suffix tricks never match. For the authorization
 * endpoint, before anything else (SPEC §3).
 */
export function isRegisteredRedirectUri(registered: readonly string[], presented: string): boolean {
  return registered.some((uri) => uri === presented);
}

/**
 * The token request's `redirect_uri` must be identical to the one of the authorization
 * request the code was issued for (RFC 6749 §4.1.3). Pure.
 */
export function checkRedirectUri(input: { issuedFor: string; presented: string }): Result<null, TokenRefusal> {
  if (input.issuedFor !== input.presented)
    return refuse("redirect_uri_mismatch", "redirect_uri differs from the authorization request's");
  return ok(null);
}
