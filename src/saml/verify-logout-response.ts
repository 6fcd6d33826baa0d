import { attr } from "./dom";
import { checkStatus } from "./check-status";
import { checkLogoutMessageHeader, openSignedLogoutMessage, type LogoutMessagePolicy } from "./logout-message";
import { asSamlResult, fail, type SamlResult } from "./saml-error";

/** The IdP's LogoutResponse as it arrived, in either binding (SAML bindings 3.4, 3.5). */
export interface VerifyLogoutResponseInput {
  binding: "redirect" | "post";
  /** The `SAMLResponse` value, URL-decoded: base64 of raw DEFLATE (Redirect) or of the XML (POST). */
  samlResponse: string;
  /** Redirect binding: the query string as received (no `?`), whose raw octets the signature covers. */
  rawQuery: string;
  /** The ID of the LogoutRequest we sent (our outstanding, single-use state): InResponseTo must equal it. */
  requestId: string;
  policy: LogoutMessagePolicy;
  now: Date;
}

/** How long after its IssueInstant a LogoutResponse counts as fresh (it answers a request of ours). */
const RESPONSE_LIFETIME_MS = 5 * 60_000;

/**
 * Decides whether an IdP's LogoutResponse (SAML core 3.7.2) answers our LogoutRequest: SPEC
 * §5's input rules, a signature by a configured IdP certificate — required (profiles
 * 4.4.4.2), enveloped (POST) or over the raw query (Redirect, bindings 3.4.4.1) — Issuer,
 * Destination, freshness, InResponseTo = our request's ID, then Status Success (else
 * `status_not_success` with the IdP's codes). The single-use state is the caller's. Pure:
 * the clock comes in. Returns the response's ID.
 */
export function verifyLogoutResponse(input: VerifyLogoutResponseInput): Promise<SamlResult<{ id: string }>> {
  return asSamlResult(async () => {
    const root = await openSignedLogoutMessage({
      binding: input.binding,
      value: input.samlResponse,
      rawQuery: input.rawQuery,
      parameter: "SAMLResponse",
      rootName: "LogoutResponse",
      policy: input.policy,
    });
    const now = input.now.getTime();
    const { issuedAt, skewMs } = checkLogoutMessageHeader(root, input.policy, now);
    if (now - skewMs >= issuedAt + RESPONSE_LIFETIME_MS)
      fail("expired", `the LogoutResponse was issued at ${new Date(issuedAt).toISOString()}`);
    const inResponseTo = attr(root, "InResponseTo");
    if (inResponseTo === null) fail("in_response_to_missing", "the LogoutResponse has no InResponseTo");
    if (inResponseTo !== input.requestId)
      fail("in_response_to_mismatch", `InResponseTo "${inResponseTo}", expected "${input.requestId}"`);
    checkStatus(root);
    const id = attr(root, "ID");
    if (!id) fail("malformed_xml", "the LogoutResponse has no ID");
    return { id };
  });
}
