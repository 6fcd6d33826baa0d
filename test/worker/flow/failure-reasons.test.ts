/**
 * One failure vocabulary for the browser (STYLE 12): every reason of flow/, oidc/, routing
 * and the SAML rejection codes of SPEC §5 has a message, from one exhaustive switch. The
 * list below is checked against the union at compile time, both ways, so a reason added
 * anywhere without a message fails `tsc` (in failureMessage) and this file.
 */
import { describe, expect, it } from "vitest";
import { failureMessage, isUserCaused, type BrowserFailureReason } from "../../../src/flow/failure-reasons";
import { SAML_ERROR_CODES, type SamlErrorCode } from "../../../src/saml";

const OTHER_REASONS = [
  // authorize
  "invalid_client_params",
  "unknown_client",
  "redirect_uri_mismatch",
  "invalid_request",
  "unsupported_response_type",
  "invalid_scope",
  // routing (domains/route-login.ts)
  "invalid_email",
  "unknown_domain",
  "unverified_domain",
  "unknown_organization",
  "unknown_connection",
  "sso_not_allowed",
  "no_active_connection",
  // start
  "connection_incomplete",
  // the way back (ACS, OIDC callback)
  "bad_request",
  "browser_mismatch",
  "relay_state_mismatch",
  "unknown_relay_state",
  "unknown_state",
  "connection_mismatch",
  "idp_error",
  // oidc/ (OidcFailureReason)
  "idp_unreachable",
  "discovery_failed",
  "insecure_endpoint",
  "invalid_authorization_response",
  "token_endpoint_error",
  "id_token_missing",
  "id_token_invalid",
  "id_token_alg_not_allowed",
  "id_token_signature_invalid",
  "id_token_expired",
  "id_token_not_yet_valid",
  "azp_mismatch",
  "nonce_mismatch",
  "jwks_unavailable",
  "userinfo_failed",
  // the org's completeLogin (LoginRefusal)
  "connection_inactive",
  "missing_email",
  "email_not_verified",
  "email_domain_not_allowed",
  "not_a_member",
  "subject_mismatch",
  "member_deprovisioned",
  // the hosted LDAP form (LdapFailure)
  "ldap_unknown_user",
  "ldap_ambiguous_user",
  "ldap_wrong_password",
  "ldap_empty_password",
  "ldap_unavailable",
  "ldap_throttled",
  "csrf_mismatch",
  "internal_error",
] as const satisfies ReadonlyArray<BrowserFailureReason>;

type Listed = (typeof OTHER_REASONS)[number] | SamlErrorCode;
// Compile-time: the union and the list are the same set (a missing entry either way is a type error).
const unlisted: [Exclude<BrowserFailureReason, Listed>] extends [never] ? true : false = true;
const unknown: [Exclude<Listed, BrowserFailureReason>] extends [never] ? true : false = true;

const ALL: BrowserFailureReason[] = [...OTHER_REASONS, ...SAML_ERROR_CODES];

describe("failureMessage", () => {
  it("the list covers the union (checked by tsc above)", () => {
    expect([unlisted, unknown]).toEqual([true, true]);
  });

  it("has a short message for every reason, with no internals in it", () => {
    for (const reason of ALL) {
      const message = failureMessage(reason);
      expect(message.length, reason).toBeGreaterThan(10);
      expect(message, reason).toMatch(/\.$/);
      expect(message, reason).not.toContain(reason);
      expect(message, reason).not.toMatch(/[<>]|saml|assertion|signature|token/i);
    }
  });

  it("tells the user only that the IdP's answer was refused, never which SAML check refused it", () => {
    const shown = new Set(SAML_ERROR_CODES.filter((c) => c !== "replayed" && c !== "unsolicited").map(failureMessage));
    expect([...shown]).toEqual(["Your identity provider's response could not be accepted."]);
  });

  it("shows one message for every LDAP credential failure: the form never says whether a user exists", () => {
    const credentials = ["ldap_unknown_user", "ldap_ambiguous_user", "ldap_wrong_password", "ldap_empty_password"];
    expect(new Set(credentials.map((r) => failureMessage(r as BrowserFailureReason)))).toEqual(
      new Set(["Incorrect username or password."]),
    );
  });

  it("refuses an unknown reason at compile time", () => {
    // @ts-expect-error "no_such_reason" is not a BrowserFailureReason
    expect(() => failureMessage("no_such_reason")).toThrow(/no message/);
  });
});

describe("isUserCaused", () => {
  it("is true exactly for the refusals of who the user is", () => {
    expect(ALL.filter(isUserCaused).sort()).toEqual(
      [
        "email_domain_not_allowed",
        "email_not_verified",
        "missing_email",
        "not_a_member",
        "subject_mismatch",
        "member_deprovisioned",
      ].sort(),
    );
  });
});
