/**
 * The one error type of SAML verification. Its `code` is one of the stable rejection
 * codes of SPEC §5: the CLI prints it, tests assert it, the audit log records it. The
 * `detail` is the private reason (expected/actual values); it goes to logs and the
 * audit log, never onto the wire (STYLE 4, crewjam/saml "authentication failed").
 */
export type SamlErrorCode =
  | "bad_encoding"
  | "too_large"
  | "too_deep"
  | "doctype_forbidden"
  | "malformed_xml"
  | "duplicate_id"
  | "no_assertion"
  | "multiple_assertions"
  | "assertion_in_advice"
  | "unsigned"
  | "signature_shape"
  | "reference_mismatch"
  | "unsupported_transform"
  | "unsupported_algorithm"
  | "untrusted_certificate"
  | "signature_invalid"
  | "digest_mismatch"
  | "non_text_value"
  | "issuer_mismatch"
  | "destination_mismatch"
  | "recipient_mismatch"
  | "audience_mismatch"
  | "not_yet_valid"
  | "expired"
  | "missing_condition"
  | "in_response_to_missing"
  | "in_response_to_mismatch"
  | "unsolicited"
  | "status_not_success"
  | "decryption_failed"
  | "replayed"
  | "missing_authn_statement";

/** Every code, for exhaustive tests and for validating CLI output. */
export const SAML_ERROR_CODES: readonly SamlErrorCode[] = [
  "bad_encoding",
  "too_large",
  "too_deep",
  "doctype_forbidden",
  "malformed_xml",
  "duplicate_id",
  "no_assertion",
  "multiple_assertions",
  "assertion_in_advice",
  "unsigned",
  "signature_shape",
  "reference_mismatch",
  "unsupported_transform",
  "unsupported_algorithm",
  "untrusted_certificate",
  "signature_invalid",
  "digest_mismatch",
  "non_text_value",
  "issuer_mismatch",
  "destination_mismatch",
  "recipient_mismatch",
  "audience_mismatch",
  "not_yet_valid",
  "expired",
  "missing_condition",
  "in_response_to_missing",
  "in_response_to_mismatch",
  "unsolicited",
  "status_not_success",
  "decryption_failed",
  "replayed",
  "missing_authn_statement",
];

/** What a non-success `<samlp:Status>` said (SAML core 3.2.2.1). */
export interface SamlStatusDetail {
  /** The top-level StatusCode value. */
  statusCode: string;
  /** The nested second-level StatusCode value, when the IdP sent one. */
  subStatusCode?: string;
  /** The StatusMessage text, when the IdP sent one. */
  statusMessage?: string;
}

/** A rejected SAML message: a stable `code` and a private `detail`. */
export class SamlError extends Error {
  override readonly name = "SamlError";
  readonly code: SamlErrorCode;
  readonly detail: string;
  /** Set for `status_not_success`: the IdP's status code and message. */
  readonly status: SamlStatusDetail | undefined;

  constructor(code: SamlErrorCode, detail: string, status?: SamlStatusDetail) {
    super(`${code}: ${detail}`);
    this.code = code;
    this.detail = detail;
    this.status = status;
  }
}

/** The outcome of a pure check: a value, or the SamlError that rejected it. */
export type SamlResult<T> = { ok: true; value: T } | { ok: false; error: SamlError };

/** Shorthand to throw a SamlError from deep inside a check. */
export function fail(code: SamlErrorCode, detail: string): never {
  throw new SamlError(code, detail);
}

/**
 * Runs a verification, turning any failure into its result: a SamlError is the rejection
 * (SPEC §5 codes); anything else (a bug, a platform failure deep in parsing) rejects as
 * `malformed_xml` with its message in the detail. Every verifier's entry point uses it.
 */
export async function asSamlResult<T>(run: () => Promise<T>): Promise<SamlResult<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (error instanceof SamlError) return { ok: false, error };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: new SamlError("malformed_xml", `unexpected failure: ${message}`) };
  }
}
