import type { Element } from "@xmldom/xmldom";
import { attr, childrenNamed, strictText } from "./dom";
import { parseInstant } from "./instant";
import {
  checkLogoutMessageHeader,
  checkLogoutSignature,
  openLogoutMessage,
  type LogoutMessagePolicy,
} from "./logout-message";
import { NS } from "./namespaces";
import { asSamlResult, fail, type SamlError } from "./saml-error";

export { inflate, verifyQuerySignature, type LogoutMessagePolicy } from "./logout-message";

/** A LogoutRequest as it arrived, in either binding (SAML bindings 3.4, 3.5). */
export interface VerifyLogoutRequestInput {
  binding: "redirect" | "post";
  /** The `SAMLRequest` value, URL-decoded: base64 of raw DEFLATE (Redirect) or of the XML (POST). */
  samlRequest: string;
  /** Redirect binding: the query string as received (no `?`), whose raw octets the signature covers. */
  rawQuery?: string;
  policy: LogoutMessagePolicy;
  now: Date;
}

/** A verified LogoutRequest: every value read from the signed message. */
export interface VerifiedLogoutRequest {
  id: string;
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  sessionIndexes: string[];
  /** Keep `id` in the replay cache until then (epoch ms). */
  replayCacheUntil: number;
}

/** How long a LogoutRequest without NotOnOrAfter counts as fresh after its IssueInstant. */
const REQUEST_LIFETIME_MS = 5 * 60_000;

/**
 * The outcome of {@link verifyLogoutRequest}. A rejection carries the request's ID when the
 * message parsed as a LogoutRequest — unverified, only for the InResponseTo of the refusal
 * the IdP gets back (SAML core 3.7.3.2) — and null when it did not.
 */
export type LogoutRequestResult =
  { ok: true; value: VerifiedLogoutRequest } | { ok: false; error: SamlError; requestId: string | null };

/**
 * Decides whether an IdP's LogoutRequest (SAML core 3.7.1) may end sessions: the input
 * rules of SPEC §5, a signature by a configured IdP certificate — enveloped (POST) or over
 * the query string (Redirect, bindings 3.4.4.1) — Issuer, Destination and freshness. The
 * replay cache is the caller's. Pure: the clock comes in.
 */
export async function verifyLogoutRequest(input: VerifyLogoutRequestInput): Promise<LogoutRequestResult> {
  let requestId: string | null = null;
  const result = await asSamlResult(async () => {
    const message = {
      binding: input.binding,
      value: input.samlRequest,
      rawQuery: input.rawQuery ?? "",
      parameter: "SAMLRequest",
      rootName: "LogoutRequest",
      policy: input.policy,
    } as const;
    const root = await openLogoutMessage(message);
    requestId = attr(root, "ID") || null;
    await checkLogoutSignature(root, message);
    return readRequest(root, input.policy, input.now.getTime());
  });
  return result.ok ? result : { ...result, requestId };
}

function readRequest(root: Element, policy: LogoutMessagePolicy, now: number): VerifiedLogoutRequest {
  const { issuedAt, skewMs } = checkLogoutMessageHeader(root, policy, now);
  const end = attr(root, "NotOnOrAfter");
  const notOnOrAfter = end !== null ? parseInstant(end, "NotOnOrAfter") : issuedAt + REQUEST_LIFETIME_MS;
  if (now - skewMs >= notOnOrAfter)
    fail("expired", `the LogoutRequest expired at ${new Date(notOnOrAfter).toISOString()}`);
  const nameIds = childrenNamed(root, NS.assertion, "NameID");
  if (nameIds.length !== 1) fail("missing_condition", `the LogoutRequest holds ${nameIds.length} NameID`);
  const nameId = nameIds[0]!;
  const value = strictText(nameId).trim();
  if (value === "") fail("missing_condition", "empty NameID");
  const id = attr(root, "ID");
  if (!id) fail("malformed_xml", "the LogoutRequest has no ID");
  return {
    id,
    nameId: value,
    nameIdFormat: attr(nameId, "Format"),
    nameQualifier: attr(nameId, "NameQualifier"),
    spNameQualifier: attr(nameId, "SPNameQualifier"),
    sessionIndexes: childrenNamed(root, NS.protocol, "SessionIndex").map((e) => strictText(e).trim()),
    replayCacheUntil: notOnOrAfter + skewMs,
  };
}
