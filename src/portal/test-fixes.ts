import type { SamlErrorCode } from "../saml";

/** A failed test sign-in in the admin's words: what went wrong, and what to change (SPEC §9). */
export interface TestFix {
  what: string;
  fix: string;
}

const SAML_FIXES: Partial<Record<SamlErrorCode | "replayed", TestFix>> = {
  unsigned: {
    what: "The response was not signed.",
    fix: "Turn on signing of the assertion (or of the whole response) in your identity provider.",
  },
  untrusted_certificate: {
    what: "The response was signed with a certificate we were not given.",
    fix: "Your identity provider signs with another certificate than the one saved here: give the metadata again, or paste its current signing certificate.",
  },
  signature_invalid: {
    what: "The signature did not match the signed content.",
    fix: "Give the metadata again so the certificate is current; if a proxy rewrites responses, bypass it.",
  },
  digest_mismatch: {
    what: "The signed content was changed after signing.",
    fix: "Check that nothing between your identity provider and this page modifies the response.",
  },
  unsupported_algorithm: {
    what: "The response uses a signature algorithm we refuse (SHA-1).",
    fix: "Set the signature algorithm to RSA-SHA256 in your identity provider.",
  },
  issuer_mismatch: {
    what: "The response comes from another identity provider than the entity ID saved here.",
    fix: "Check the IdP entity ID (issuer): give the metadata again, or correct the field.",
  },
  audience_mismatch: {
    what: "The response is meant for another application (its Audience is not our entity ID).",
    fix: "Set the Audience / SP Entity ID in your identity provider to the Entity ID shown in step 2.",
  },
  destination_mismatch: {
    what: "The response was sent for another ACS URL.",
    fix: "Set the ACS (Reply / Single sign-on) URL in your identity provider to the ACS URL shown in step 2.",
  },
  recipient_mismatch: {
    what: "The response's Recipient is another ACS URL.",
    fix: "Set the ACS URL (and the Recipient, if your IdP asks separately) to the ACS URL shown in step 2.",
  },
  expired: {
    what: "The response had already expired when it arrived.",
    fix: "Check the clock of your identity provider's server (it must be within a minute of the correct time).",
  },
  not_yet_valid: {
    what: "The response is not valid yet: your identity provider's clock is ahead.",
    fix: "Check the clock of your identity provider's server.",
  },
  status_not_success: {
    what: "Your identity provider refused the sign-in.",
    fix: "Check that your user is assigned to the application in your identity provider, and read its sign-in log.",
  },
  decryption_failed: {
    what: "The encrypted assertion could not be decrypted.",
    fix: "Encrypt with the SP encryption certificate from our metadata, or turn assertion encryption off.",
  },
  in_response_to_mismatch: {
    what: "The response answers another sign-in request.",
    fix: "Start the test again from this page, and finish it in the tab it opens.",
  },
  replayed: {
    what: "This response was already used.",
    fix: "Start the test again from this page.",
  },
  no_assertion: {
    what: "The response holds no assertion.",
    fix: "Check that your identity provider sends a SAML 2.0 assertion (not only a status).",
  },
};

const DEFAULT_FIX: TestFix = {
  what: "The response could not be accepted.",
  fix: "Check the settings in step 2 against your identity provider, give its metadata again, and retry.",
};

/** The words for a failed test's reason (a SAML rejection code, or a portal reason). */
export function testFix(reason: string): TestFix {
  return SAML_FIXES[reason as SamlErrorCode] ?? DEFAULT_FIX;
}
