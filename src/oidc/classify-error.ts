import * as oauth from "oauth4webapi";
import { messageOf } from "./discover-issuer";
import { oidcFailure, type OidcFailure, type OidcFailureReason } from "./oidc-failure";
import { IdpUnreachableError } from "./request-policy";
import { unreachableText } from "../http/outbound-failure";

/** The step of the callback an oauth4webapi error came from. */
export type OidcStep = "token" | "signature" | "userinfo";

/** A claim whose comparison failed (JWT_CLAIM_COMPARISON) → its reason. */
const CLAIM_REASONS: Record<string, OidcFailureReason> = {
  nonce: "nonce_mismatch",
  aud: "audience_mismatch",
  iss: "issuer_mismatch",
  azp: "azp_mismatch",
};

/**
 * Maps an oauth4webapi (or fetch) error onto one stable reason: the network failing is
 * `idp_unreachable`; an OAuth error body (RFC 6749 §5.2) or a non-conforming answer is the
 * failing endpoint's error; the JWT checks keep the claim they failed on.
 */
export function classifyOidcError(step: OidcStep, error: unknown): OidcFailure {
  const detail = describe(error);
  if (isNetworkError(error)) {
    const host = error instanceof IdpUnreachableError ? error.host : "the IdP";
    return oidcFailure("idp_unreachable", `${step}: ${unreachableText(host)}`, `${step}: ${detail}`);
  }
  const endpointError: OidcFailureReason =
    step === "token" ? "token_endpoint_error" : step === "userinfo" ? "userinfo_failed" : "jwks_unavailable";
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.WWWAuthenticateChallengeError)
    return oidcFailure(endpointError, detail);
  if (!(error instanceof oauth.OperationProcessingError)) {
    if (error instanceof oauth.UnsupportedOperationError && step === "signature")
      return oidcFailure("id_token_alg_not_allowed", detail);
    return oidcFailure(step === "userinfo" ? "userinfo_failed" : "id_token_invalid", detail);
  }
  const cause = (error.cause ?? {}) as { claim?: string; header?: unknown };
  switch (error.code) {
    case oauth.RESPONSE_IS_NOT_CONFORM:
    case oauth.RESPONSE_IS_NOT_JSON:
      return oidcFailure(endpointError, detail);
    case oauth.KEY_SELECTION:
      return oidcFailure("id_token_signature_invalid", detail);
    case oauth.JWT_TIMESTAMP_CHECK:
      return oidcFailure(
        cause.claim === "exp"
          ? "id_token_expired"
          : cause.claim === "nbf"
            ? "id_token_not_yet_valid"
            : "id_token_invalid",
        detail,
      );
    case oauth.JWT_CLAIM_COMPARISON:
      return oidcFailure(
        (cause.claim ? CLAIM_REASONS[cause.claim] : undefined) ??
          (step === "userinfo" ? "userinfo_failed" : "id_token_invalid"),
        detail,
      );
  }
  if (step === "signature") return oidcFailure("id_token_signature_invalid", detail);
  if (cause.header !== undefined) return oidcFailure("id_token_alg_not_allowed", detail);
  return oidcFailure(step === "userinfo" ? "userinfo_failed" : "id_token_invalid", detail);
}

/** fetch() failing (refused, reset, DNS, timeout) rather than the IdP answering badly. */
function isNetworkError(error: unknown): boolean {
  return (
    error instanceof IdpUnreachableError ||
    (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
  );
}

function describe(error: unknown): string {
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    // RFC 6749 §5.2: a token endpoint that refuses the client's authentication answers 401
    // with a challenge (its body, an `invalid_client` error, is not read then).
    const challenge = error.cause[0];
    const params = challenge?.parameters ?? {};
    const named =
      params.error ?? (error.status === 401 ? "invalid_client" : `${challenge?.scheme ?? "unknown"} challenge`);
    return `HTTP ${error.status} ${named}${params.error_description ? `: ${params.error_description}` : ""} (WWW-Authenticate)`;
  }
  if (error instanceof oauth.ResponseBodyError) {
    return `HTTP ${error.status} ${error.error}${error.error_description ? `: ${error.error_description}` : ""}`;
  }
  return messageOf(error);
}
