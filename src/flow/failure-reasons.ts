import type { RouteFailure } from "../domains/route-login";
import type { OidcFailureReason } from "../oidc";
import type { SamlErrorCode } from "../saml";
import type { LoginRefusal } from "../store/org/login-types";

/** Why an authorization request was refused before a login started (SPEC §3, RFC 6749 §4.1.2.1). */
export type AuthorizeFailure =
  | "invalid_client_params"
  | "unknown_client"
  | "redirect_uri_mismatch"
  | "invalid_request"
  | "unsupported_response_type"
  | "invalid_scope";

/** Why a routed login could not leave for its IdP (besides the OIDC discovery failures). */
export type StartFailure = "connection_incomplete";

/** Why the browser's return from the IdP (ACS, OIDC callback) matches no login it may finish. */
export type ReturnFailure =
  | "bad_request"
  | "unknown_connection"
  | "browser_mismatch"
  | "relay_state_mismatch"
  | "unknown_relay_state"
  | "unsolicited"
  | "unknown_state"
  | "connection_mismatch"
  | "idp_error";

/**
 * Why a sign-in at the hosted LDAP form failed (SPEC §9). The audit log keeps the precise
 * reason; every credential problem shows the user one message, so the form never says
 * whether a user exists.
 */
export type LdapFailure =
  | "ldap_unknown_user"
  | "ldap_ambiguous_user"
  | "ldap_wrong_password"
  | "ldap_empty_password"
  | "ldap_unavailable"
  | "ldap_throttled"
  | "csrf_mismatch";

/** The SAML rejection codes of SPEC §5, as the verification core reports them. */
export type SamlRejection = SamlErrorCode;

/**
 * Every reason a login can fail in front of a browser. The reason is what the org's audit
 * log records under the reference id the page shows (and what tests assert); the user only
 * ever sees {@link failureMessage}'s text for it.
 */
export type BrowserFailureReason =
  | AuthorizeFailure
  | RouteFailure
  | StartFailure
  | ReturnFailure
  | SamlRejection
  | OidcFailureReason
  | LdapFailure
  | LoginRefusal
  | "internal_error";

const MISCONFIGURED = "Single sign-on is misconfigured for this organization.";
const NOT_ACCEPTED = "Your identity provider's response could not be accepted.";
const START_AGAIN = "This sign-in expired or was already used. Start again from the application.";

/**
 * What the browser is told for each reason: short, no internals (the reason and detail are
 * in the audit log under the reference id). Exhaustive with no `default`: a new reason
 * does not compile until it has its message.
 */
export function failureMessage(reason: BrowserFailureReason): string {
  switch (reason) {
    case "invalid_client_params":
    case "unknown_client":
    case "redirect_uri_mismatch":
    case "invalid_request":
    case "unsupported_response_type":
    case "invalid_scope":
      return "The application sent an invalid sign-in request.";
    case "invalid_email":
      return "Enter a valid work email address.";
    case "unknown_domain":
      return "Single sign-on is not set up for this email domain.";
    case "unverified_domain":
      return "Single sign-on is not set up for this email domain yet.";
    case "unknown_organization":
      return "This organization does not exist.";
    case "unknown_connection":
      return "This sign-in connection does not exist.";
    case "sso_not_allowed":
      return "Single sign-on is disabled for this organization.";
    case "no_active_connection":
    case "connection_inactive":
      return "Single sign-on is not active for this organization.";
    case "connection_incomplete":
    case "connection_mismatch":
    case "discovery_failed":
    case "insecure_endpoint":
    case "jwks_unavailable":
      return MISCONFIGURED;
    case "idp_unreachable":
      return "Your identity provider could not be reached. Try again in a moment.";
    case "bad_request":
      return "The sign-in response could not be read.";
    case "browser_mismatch":
      return "This sign-in was started in another browser. Start again here.";
    case "relay_state_mismatch":
    case "unsolicited":
      return "This sign-in was not started here. Start again from the application.";
    case "unknown_relay_state":
    case "unknown_state":
      return START_AGAIN;
    case "replayed":
      return "This sign-in response was already used. Start again from the application.";
    case "idp_error":
      return "The sign-in was cancelled or refused at your identity provider.";
    case "token_endpoint_error":
      return "Your identity provider did not complete the sign-in.";
    case "email_not_verified":
      return "Your email address could not be verified for this organization.";
    case "subject_mismatch":
      return "Your account here belongs to another identity at your identity provider. Ask your administrator.";
    case "not_a_member":
      return "Your account is not a member of this organization.";
    case "member_deprovisioned":
      return "Your account has been deactivated in this organization. Ask your administrator.";
    case "email_domain_not_allowed":
      return "Your email domain does not belong to this organization.";
    case "missing_email":
      return "Your identity provider did not send an email address.";
    case "internal_error":
      return "Something went wrong while signing you in. Try again.";
    case "ldap_unknown_user":
    case "ldap_ambiguous_user":
    case "ldap_wrong_password":
    case "ldap_empty_password":
      return "Incorrect username or password.";
    case "ldap_unavailable":
      return "Your directory could not be reached. Try again in a moment.";
    case "ldap_throttled":
      return "Too many failed sign-in attempts. Wait a few minutes, then try again.";
    case "csrf_mismatch":
      return "This sign-in form expired or was not sent from this page. Start again from the application.";
    // The verification core's rejections (SPEC §5) and the OIDC response checks: the user
    // learns that the IdP's answer was refused, never which check refused it (STYLE 4).
    case "bad_encoding":
    case "too_large":
    case "too_deep":
    case "doctype_forbidden":
    case "malformed_xml":
    case "duplicate_id":
    case "no_assertion":
    case "multiple_assertions":
    case "assertion_in_advice":
    case "unsigned":
    case "signature_shape":
    case "reference_mismatch":
    case "unsupported_transform":
    case "unsupported_algorithm":
    case "untrusted_certificate":
    case "signature_invalid":
    case "digest_mismatch":
    case "non_text_value":
    case "issuer_mismatch":
    case "destination_mismatch":
    case "recipient_mismatch":
    case "audience_mismatch":
    case "not_yet_valid":
    case "expired":
    case "missing_condition":
    case "in_response_to_missing":
    case "in_response_to_mismatch":
    case "status_not_success":
    case "decryption_failed":
    case "missing_authn_statement":
    case "invalid_authorization_response":
    case "id_token_missing":
    case "id_token_invalid":
    case "id_token_alg_not_allowed":
    case "id_token_signature_invalid":
    case "id_token_expired":
    case "id_token_not_yet_valid":
    case "azp_mismatch":
    case "nonce_mismatch":
    case "userinfo_failed":
      return NOT_ACCEPTED;
  }
  return unhandled(reason);
}

/** Unreachable while the switch above is exhaustive; a reason without a message fails to compile here. */
function unhandled(reason: never): never {
  throw new Error(`no message for login failure reason ${String(reason)}`);
}

/**
 * Refusals the user caused (who they are, not what the IdP or the app did): when the
 * redirect URI is trusted, the app gets an `access_denied` redirect instead of our page.
 */
const USER_CAUSED: ReadonlySet<BrowserFailureReason> = new Set<BrowserFailureReason>([
  "not_a_member",
  "member_deprovisioned",
  "email_domain_not_allowed",
  "missing_email",
  "email_not_verified",
  "subject_mismatch",
]);

/** Whether the user caused this refusal (see USER_CAUSED). */
export function isUserCaused(reason: BrowserFailureReason): boolean {
  return USER_CAUSED.has(reason);
}
