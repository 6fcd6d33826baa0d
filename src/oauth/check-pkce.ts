import { timingSafeEqual } from "../crypto/hash";
import { encodeBase64url } from "../lib/base64";
import type { TokenRefusal } from "./oauth-error";
import { ok, refuse, type Result } from "./result";

/** RFC 7636 §4.1: `code-verifier = 43*128unreserved`, unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~". */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** Whether a string is a syntactically valid PKCE code verifier (RFC 7636 §4.1). */
export function isCodeVerifier(value: string): boolean {
  return CODE_VERIFIER.test(value);
}

/** `BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2, method S256). */
export async function s256Challenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return encodeBase64url(new Uint8Array(digest));
}

/** Input of {@link checkPkce}. */
export interface PkceInput {
  /** The S256 challenge stored with the code, or null when the authorization request had none. */
  codeChallenge: string | null;
  /** The token request's `code_verifier`, or null. */
  codeVerifier: string | null;
  /** Public clients cannot authenticate, so PKCE is their only proof (RFC 9700 §2.1.1). */
  publicClient: boolean;
}

/**
 * Verifies PKCE at the token endpoint (RFC 7636 §4.6). A code issued with a challenge
 * requires the matching verifier; a verifier without a challenge is refused too, so an
 * attacker cannot downgrade a PKCE flow by stripping the challenge (RFC 9700 §2.1.1,
 * OAuth 2.1 §4.1.3). Only S256 is supported, so the stored challenge is always S256.
 * Deterministic and I/O-free (WebCrypto's digest is async, hence the Promise).
 */
export async function checkPkce(input: PkceInput): Promise<Result<null, TokenRefusal>> {
  return checkPkceWith(input, await verifierChallenge(input.codeVerifier));
}

/** S256 of a well-formed code verifier, what {@link checkPkceWith} compares; null for none or a malformed one. */
export async function verifierChallenge(codeVerifier: string | null): Promise<string | null> {
  return codeVerifier !== null && isCodeVerifier(codeVerifier) ? s256Challenge(codeVerifier) : null;
}

/**
 * {@link checkPkce} with the verifier's S256 already computed ({@link verifierChallenge}),
 * synchronous: the org's object runs it inside the transaction that spends the code.
 */
export function checkPkceWith(input: PkceInput, presentedChallenge: string | null): Result<null, TokenRefusal> {
  const { codeChallenge, codeVerifier } = input;
  if (codeChallenge === null) {
    if (input.publicClient)
      return refuse("public_client_without_pkce", "the code of a public client carries no code_challenge");
    if (codeVerifier !== null)
      return refuse("pkce_verifier_unexpected", "code_verifier sent for a code issued without code_challenge");
    return ok(null);
  }
  if (codeVerifier === null) return refuse("pkce_verifier_missing", "the code was issued with a code_challenge");
  if (!isCodeVerifier(codeVerifier)) return refuse("malformed_code_verifier", "code_verifier violates RFC 7636 §4.1");
  if (presentedChallenge === null || !timingSafeEqual(presentedChallenge, codeChallenge)) {
    return refuse("pkce_mismatch", "S256(code_verifier) differs from code_challenge");
  }
  return ok(null);
}

/** RFC 7636 §4.2: an S256 challenge is the base64url (no padding) of a SHA-256 digest, 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Input of {@link checkCodeChallenge}: the authorization request's PKCE parameters. */
export interface CodeChallengeInput {
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  publicClient: boolean;
}

/**
 * Checks an authorization request's PKCE parameters (RFC 7636 §4.3, §4.4.1): only S256,
 * never a method without a challenge, a well-formed challenge, and PKCE required of public
 * clients (RFC 9700 §2.1.1). Returns the challenge to store with the code, or null. Pure.
 */
export function checkCodeChallenge(input: CodeChallengeInput): Result<string | null, "invalid_request"> {
  const { codeChallenge, codeChallengeMethod: method } = input;
  if (codeChallenge && method !== "S256") return refuse("invalid_request", "code_challenge_method must be S256");
  if (!codeChallenge && method) return refuse("invalid_request", "code_challenge_method without code_challenge");
  if (codeChallenge && !S256_CHALLENGE.test(codeChallenge))
    return refuse("invalid_request", "code_challenge is not a base64url SHA-256");
  if (input.publicClient && !codeChallenge) return refuse("invalid_request", "public clients must use PKCE (S256)");
  return ok(codeChallenge);
}
