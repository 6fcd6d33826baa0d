/**
 * Why an upstream OpenID Connect login failed. The stable `reason` goes to the org's audit
 * log (under the reference id the browser sees) and is what tests assert; `detail` is for
 * the log only, never the wire.
 */
export type OidcFailureReason =
  | "unknown_state"
  | "browser_mismatch"
  | "connection_mismatch"
  | "idp_error"
  | "idp_unreachable"
  | "discovery_failed"
  | "insecure_endpoint"
  | "invalid_authorization_response"
  | "token_endpoint_error"
  | "id_token_missing"
  | "id_token_invalid"
  | "id_token_alg_not_allowed"
  | "id_token_signature_invalid"
  | "id_token_expired"
  | "id_token_not_yet_valid"
  | "issuer_mismatch"
  | "audience_mismatch"
  | "azp_mismatch"
  | "nonce_mismatch"
  | "jwks_unavailable"
  | "userinfo_failed"
  | "email_not_verified"
  | "internal_error";

/** A failed step of the OIDC login: its reason and the private detail. */
export interface OidcFailure {
  ok: false;
  reason: OidcFailureReason;
  detail: string;
  /**
   * Why an outbound call got no answer (refused, reset, timeout, TLS, DNS), for app-wide
   * keys only; `detail` then holds the one text per host everyone else reads
   * (http/outbound-failure.ts).
   */
  outboundDetail?: string;
}

/** Builds an OidcFailure. */
export function oidcFailure(reason: OidcFailureReason, detail: string, outboundDetail?: string): OidcFailure {
  return outboundDetail === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, outboundDetail };
}
