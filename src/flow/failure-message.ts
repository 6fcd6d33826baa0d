/**
 * What the browser is told for each failure reason of a login, SAML or OIDC: short, no
 * internals (the reason and detail are in the org's audit log under the reference id on
 * the page).
 */
export function failureMessage(reason: string): string {
  switch (reason) {
    case "unknown_state":
      return "This sign-in expired or was already used. Start again from the application.";
    case "browser_mismatch":
      return "This sign-in was started in another browser. Start again here.";
    case "idp_unreachable":
      return "Your identity provider could not be reached. Try again in a moment.";
    case "discovery_failed":
    case "insecure_endpoint":
    case "jwks_unavailable":
    case "connection_mismatch":
      return "Single sign-on is misconfigured for this organization.";
    case "token_endpoint_error":
      return "Your identity provider did not complete the sign-in.";
    case "email_not_verified":
      return "Your email address could not be verified for this organization.";
    case "subject_mismatch":
      return "Your account here belongs to another identity at your identity provider. Ask your administrator.";
    case "replayed":
      return "This sign-in response was already used. Start again from the application.";
    case "unsolicited":
      return "This sign-in was not started here. Start again from the application.";
    case "not_a_member":
      return "Your account is not a member of this organization.";
    case "email_domain_not_allowed":
      return "Your email domain does not belong to this organization.";
    case "missing_email":
      return "Your identity provider did not send an email address.";
    case "sso_not_allowed":
    case "connection_inactive":
      return "Single sign-on is not available for this organization right now.";
    case "internal_error":
      return "Something went wrong while signing you in. Try again.";
    default:
      return "Your identity provider's response could not be accepted.";
  }
}

/** Refusals the user caused: answered with an `access_denied` redirect to the trusted redirect URI. */
export const USER_CAUSED = new Set([
  "not_a_member",
  "email_domain_not_allowed",
  "missing_email",
  "email_not_verified",
  "subject_mismatch",
]);
