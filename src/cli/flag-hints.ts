import type { SamlErrorCode, SamlVerificationPolicy } from "../saml";
import type { SamlVerifyArgs } from "./parse-saml-verify-args";

/** The switches of `saml verify` that a rejection can be tried again without. */
export interface Switches {
  allowIdpInitiated: boolean;
  allowSha1: boolean;
  wantAssertionsSigned: boolean;
  wantResponseSigned: boolean;
  skipDestinationCheck: boolean;
}

/** Each switch, the way the command line turns it the other way. */
const FLIPS: ReadonlyArray<{ flag: string; applies: (s: Switches) => boolean; flip: Partial<Switches> }> = [
  { flag: "--allow-idp-initiated", applies: (s) => !s.allowIdpInitiated, flip: { allowIdpInitiated: true } },
  { flag: "--allow-sha1", applies: (s) => !s.allowSha1, flip: { allowSha1: true } },
  {
    flag: "--no-want-assertions-signed",
    applies: (s) => s.wantAssertionsSigned,
    flip: { wantAssertionsSigned: false },
  },
  { flag: "without --want-response-signed", applies: (s) => s.wantResponseSigned, flip: { wantResponseSigned: false } },
  { flag: "--skip-destination-check", applies: (s) => !s.skipDestinationCheck, flip: { skipDestinationCheck: true } },
];

/** Verify again with some switches turned; answers "ok" or the rejection code. */
export type Retry = (switches: Switches) => Promise<string>;

/**
 * What a rejection's detail adds for an admin debugging an IdP (SPEC §8): the flags that
 * would change the verdict. Each switch is tried — the response verified again with it
 * turned — and named only when that changes the outcome (`--allow-idp-initiated` for
 * `unsolicited`, say); flags that take a value are named for the codes they decide
 * (`--now` for `expired` and `not_yet_valid`).
 */
export async function flagHints(
  code: SamlErrorCode,
  args: SamlVerifyArgs,
  switches: Switches,
  retry: Retry,
): Promise<string[]> {
  const hints = valueFlagHints(code, args);
  for (const { flag, applies, flip } of FLIPS) {
    if (!applies(switches)) continue;
    const outcome = await retry({ ...switches, ...flip });
    if (outcome !== code)
      hints.push(outcome === "ok" ? `${flag} would accept it` : `${flag} gets past this (then ${outcome})`);
  }
  return hints;
}

function valueFlagHints(code: SamlErrorCode, args: SamlVerifyArgs): string[] {
  switch (code) {
    case "expired":
    case "not_yet_valid":
      return [
        args.now
          ? "--now ISO-8601 sets the instant it is verified at"
          : "verified at the current time; --now ISO-8601 verifies at the instant it was captured",
      ];
    case "unsolicited":
      return ["it answers no request: give --request-id R if it answers request R"];
    case "in_response_to_mismatch":
      return [args.requestId === undefined ? "--request-id R names the request it answers" : "check --request-id"];
    case "destination_mismatch":
    case "recipient_mismatch":
      return ["check --acs-url"];
    case "audience_mismatch":
      return ["check --sp-entity-id"];
    case "issuer_mismatch":
      return [
        args.idpEntityId === undefined
          ? "--idp-entity-id X overrides the metadata's entityID"
          : "check --idp-entity-id",
      ];
    case "decryption_failed":
      return args.decryptionKeys.length === 0 ? ["--decryption-key sp.pem gives the SP's private key"] : [];
    default:
      return [];
  }
}

/** The switch part of a verification policy. */
export function switchesOf(policy: SamlVerificationPolicy, skipDestinationCheck: boolean): Switches {
  return {
    allowIdpInitiated: policy.allowIdpInitiated,
    allowSha1: policy.allowSha1,
    wantAssertionsSigned: policy.wantAssertionsSigned,
    wantResponseSigned: policy.wantResponseSigned,
    skipDestinationCheck,
  };
}
