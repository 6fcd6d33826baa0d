import { fail } from "./saml-error";

/** The InResponseTo values a response carries, and whether each is covered by a signature. */
export interface InResponseToInput {
  /** Response@InResponseTo, when present. */
  response: string | null;
  /** Whether the Response's own signature was verified (only then is Response@InResponseTo trusted). */
  responseSigned: boolean;
  /** InResponseTo of each bearer SubjectConfirmationData (inside the verified assertion). */
  confirmations: readonly string[];
  /** The pending login's AuthnRequest ID; absent when none is pending. */
  expected: string | undefined;
  allowIdpInitiated: boolean;
}

/**
 * SPEC §5: InResponseTo equals the pending login's request ID; it may be absent only
 * when IdP-initiated login is allowed. Every value present must match. Presence counts
 * only for values a verified signature covers: an unsigned Response's InResponseTo is
 * attacker-chosen, and trusting it would let an unsolicited assertion pass as solicited
 * on a connection that forbids IdP-initiated login. Returns whether the login is
 * IdP-initiated.
 */
export function checkInResponseTo(input: InResponseToInput): boolean {
  const present = [...input.confirmations, ...(input.response !== null ? [input.response] : [])];
  for (const value of present) {
    if (input.expected === undefined) {
      fail("in_response_to_mismatch", `InResponseTo "${value}" but no login is pending`);
    }
    if (value !== input.expected) {
      fail("in_response_to_mismatch", `InResponseTo "${value}", expected "${input.expected}"`);
    }
  }
  const verifiedPresent = input.confirmations.length > 0 || (input.response !== null && input.responseSigned);
  if (verifiedPresent) return false;
  if (input.allowIdpInitiated) return true;
  if (input.expected === undefined) fail("unsolicited", "IdP-initiated login is not allowed on this connection");
  return fail("in_response_to_missing", `no signed InResponseTo, expected "${input.expected}"`);
}
