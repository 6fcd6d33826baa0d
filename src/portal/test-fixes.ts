import type { OidcFailureReason } from "../oidc";
import type { SamlErrorCode } from "../saml";
import type { SsoType } from "../store/org/types";

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

const CHECK_KEYS: TestFix = {
  what: "The ID token's signature does not verify with your provider's published keys.",
  fix: "Check that the issuer URL in step 3 is the provider that signs the tokens, and that it publishes its current signing key in its JWKS.",
};

const OIDC_FIXES: Partial<Record<OidcFailureReason, TestFix>> = {
  idp_error: {
    what: "Your identity provider answered with an error instead of signing you in.",
    fix: "Read the error below; most often your user is not assigned to the application, or the redirect URI from step 2 is not registered.",
  },
  idp_unreachable: {
    what: "We could not reach your identity provider.",
    fix: "Check the issuer URL in step 3: it must be a public https:// address that answers.",
  },
  discovery_failed: {
    what: "Your provider's discovery document (/.well-known/openid-configuration) could not be used.",
    fix: "Check the issuer URL in step 3: it must be exactly the issuer your provider names in its discovery document, with no extra path or slash.",
  },
  insecure_endpoint: {
    what: "Your provider names an endpoint that is not https://.",
    fix: "Use the provider's https:// issuer URL.",
  },
  invalid_authorization_response: {
    what: "Your provider's answer to the sign-in request was not valid.",
    fix: "Start the test again from this page; if it repeats, check that the issuer URL is the provider you signed in at.",
  },
  token_endpoint_error: {
    what: "Your provider refused to exchange the sign-in for tokens.",
    fix: "Check the client ID and client secret in step 3 (copy the secret again: an expired or rotated secret fails here), and that the client may use the authorization code flow.",
  },
  id_token_missing: {
    what: "Your provider sent no ID token.",
    fix: "Make sure the application is an OpenID Connect app and the openid scope is allowed.",
  },
  id_token_invalid: {
    what: "The ID token your provider sent is not valid.",
    fix: "Check that the application is an OpenID Connect web app of your provider.",
  },
  id_token_alg_not_allowed: {
    what: "The ID token is signed with an algorithm we refuse (none, or a shared-secret HMAC).",
    fix: "Set the application's ID token signing algorithm to RS256 (or ES256).",
  },
  id_token_signature_invalid: CHECK_KEYS,
  jwks_unavailable: CHECK_KEYS,
  id_token_expired: {
    what: "The ID token had already expired when it arrived.",
    fix: "Check the clock of your identity provider's server.",
  },
  id_token_not_yet_valid: {
    what: "The ID token is not valid yet: your identity provider's clock is ahead.",
    fix: "Check the clock of your identity provider's server.",
  },
  issuer_mismatch: {
    what: "The ID token names another issuer than the issuer URL saved here.",
    fix: "Set the issuer URL in step 3 to exactly the iss your provider puts in its tokens (the issuer of its discovery document).",
  },
  audience_mismatch: {
    what: "The ID token is meant for another application (its aud is not the client ID saved here).",
    fix: "Check the client ID in step 3: copy it again from the application you created.",
  },
  azp_mismatch: {
    what: "The ID token was issued to another client (azp).",
    fix: "Check the client ID in step 3: copy it again from the application you created.",
  },
  nonce_mismatch: {
    what: "The ID token answers another sign-in request.",
    fix: "Start the test again from this page, and finish it in the tab it opens.",
  },
  userinfo_failed: {
    what: "Your provider's userinfo endpoint did not answer with the user's claims.",
    fix: "Allow the email and profile scopes for the application in your provider.",
  },
  email_not_verified: {
    what: "Your provider does not say that the user's email address is verified (email_verified).",
    fix: "Verify the user's email address in your provider, or ask your contact at the app whether unverified addresses may be accepted.",
  },
};

/** LDAP test sign-in failures, by the step that failed (src/ldap/steps.ts) or the user's credentials. */
const LDAP_FIXES: Record<string, TestFix> = {
  ldap_wrong_password: {
    what: "The directory refused the password for this user.",
    fix: "Check the username and password you typed; the user was found, so the search settings are right.",
  },
  ldap_unknown_user: {
    what: "No directory entry matched this username.",
    fix: "Check the base DN and the search filter in step 3 (the exact search is below), and the username you typed.",
  },
  ldap_ambiguous_user: {
    what: "Several directory entries matched this username.",
    fix: "Make the search filter in step 3 match exactly one entry per user, e.g. (mail=%(user)s) or (uid=%(user)s).",
  },
  ldap_empty_password: {
    what: "The password was empty.",
    fix: "Type the user's password: an empty one is refused before any bind.",
  },
  ldap_unavailable: {
    what: "The directory could not be used with the saved settings.",
    fix: "Read the exact reason below: it names the step that failed (DNS, TCP, TLS, the service account's bind, or the search) — correct that setting in step 3.",
  },
};

const DEFAULT_FIX: TestFix = {
  what: "The sign-in could not be accepted.",
  fix: "Check the settings in step 2 against your identity provider, give its details again, and retry.",
};

/**
 * The words for a failed test's reason: a SAML rejection code, an OIDC failure reason or an
 * LDAP one. SAML and OIDC share some names (`issuer_mismatch`) with different fixes, so the
 * connection's protocol picks the table. A token endpoint refusing the client is the secret.
 */
export function testFix(reason: string, protocol: SsoType, detail = ""): TestFix {
  if (protocol === "oidc" && reason === "token_endpoint_error" && /invalid_client/.test(detail))
    return {
      what: "Your provider refused the client ID or client secret.",
      fix: "Copy the client secret again from your provider into step 3 (it is stored encrypted and never shown), and check the client ID.",
    };
  const table: Partial<Record<string, TestFix>> =
    protocol === "saml" ? SAML_FIXES : protocol === "oidc" ? OIDC_FIXES : LDAP_FIXES;
  return table[reason] ?? DEFAULT_FIX;
}
