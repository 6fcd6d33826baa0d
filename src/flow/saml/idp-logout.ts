import type { Env } from "../../env";
import { sloEndpoint, spUrls } from "../../connections/settings";
import { randomBase32 } from "../../lib/ids";
import { buildLogoutResponse, STATUS, type LogoutStatus, type SamlErrorCode } from "../../saml";
import { verifyLogoutRequest } from "../../saml/verify-logout-request";
import { orgOp } from "../../store/stores";
import { loginFailureResponse } from "../login-error";
import { sendSamlMessage } from "./send-saml-message";
import type { SloMessage } from "./slo-message";
import { spSigningKeyPem } from "./start-saml";

/** Why an IdP's LogoutRequest ended nothing: a SPEC §5 rejection, or our side failing. */
export type LogoutRefusal = SamlErrorCode | "unavailable";

/**
 * An IdP-initiated logout at `/saml/{connId}/slo` (SPEC §9): the LogoutRequest is verified
 * (signature required — enveloped in the POST binding, over the query's octets in the
 * Redirect binding — Issuer, Destination, freshness: src/saml/verify-logout-request.ts),
 * then one operation of the org's object checks the replay cache, ends the sessions it
 * names and queues their back-channel logout tokens. The IdP always gets a LogoutResponse
 * signed with the connection's SP key: Success (also when no session matched, SAML core
 * 3.7.3.2), or a status saying why not, with a reference id the org's audit log
 * (`logout.refused`) keeps the reason under. It travels in the binding the IdP's metadata
 * names for its SLO URL (`idpSloBinding`): the one that URL is known to accept. Only a
 * request that names no SAML connection of ours, whose IdP has no SLO URL to answer at, or
 * that is not a LogoutRequest at all gets the browser's error page instead.
 */
export async function idpInitiatedLogout(env: Env, message: SloMessage): Promise<Response> {
  const { organizationId, connectionId } = message;
  const page = (reason: "unknown_connection" | "connection_incomplete" | "bad_request", detail: string) =>
    loginFailureResponse(env, { reason, detail, organizationId, connectionId });
  const connection = await orgOp(env, organizationId, "getSamlConnection", { connectionId });
  if (!connection) return page("unknown_connection", `no SAML connection ${connectionId}`);
  const saml = connection.settings.saml;
  if (!saml.idpSloUrl) return page("connection_incomplete", "the IdP has no SLO URL to send the LogoutResponse to");
  const keyPem = await spSigningKeyPem(env, connection);
  if (!keyPem) return page("connection_incomplete", "the connection has no SP signing key to sign a LogoutResponse");
  const now = Date.now();
  const verified = await verifyLogoutRequest({
    binding: message.binding,
    samlRequest: message.value,
    rawQuery: message.rawQuery,
    policy: {
      idpEntityId: saml.idpEntityId ?? "",
      idpCertificates: saml.idpCertificates,
      sloUrl: sloEndpoint(env.PUBLIC_URL, connectionId),
      allowSha1: saml.allowSha1,
      clockSkewSeconds: saml.clockSkewSeconds,
    },
    now: new Date(now),
  });
  const requestId = verified.ok ? verified.value.id : verified.requestId;
  if (!verified.ok && requestId === null)
    return page("bad_request", `not a LogoutRequest: ${verified.error.code}: ${verified.error.detail}`);
  let refusal: { reason: LogoutRefusal; detail: string } | null = verified.ok
    ? null
    : { reason: verified.error.code, detail: verified.error.detail };
  if (verified.ok) {
    try {
      const outcome = await orgOp(env, organizationId, "idpLogout", { connectionId, request: verified.value });
      if (!outcome.ok) refusal = { reason: "replayed", detail: `LogoutRequest ${requestId} was already processed` };
    } catch (error) {
      refusal = { reason: "unavailable", detail: `ending the sessions failed: ${errorText(error)}` };
    }
  }
  const status = refusal ? await refusalStatus(env, message, requestId, refusal) : { code: STATUS.success };
  // The endpoint's ResponseLocation when its metadata names one (metadata §2.2.2), else its Location.
  const destination = saml.idpSloResponseUrl ?? saml.idpSloUrl;
  const xml = buildLogoutResponse({
    id: `_${randomBase32(32)}`,
    issuer: spUrls(env.PUBLIC_URL, connectionId).entityId,
    destination,
    inResponseTo: requestId,
    status,
    issueInstant: new Date(now),
  });
  return sendSamlMessage({
    binding: saml.idpSloBinding,
    destination,
    parameter: "SAMLResponse",
    xml,
    relayState: message.relayState,
    signingKeyPem: keyPem,
    signingCertificatePem: saml.spSigningCertificate,
    page: { title: "Signing you out…", message: "Returning to your identity provider.", button: "Continue" },
  });
}

/**
 * The status of a refusal (SAML core 3.2.2.2): Requester with RequestDenied for a request
 * we will not act on (unsigned, not signed by this connection's IdP, another Issuer or
 * Destination, stale, replayed), RequestUnsupported for an algorithm we do not take, and
 * Responder when our side failed. The StatusMessage names the rule in plain words and the
 * reference id under which the org's audit log keeps the precise detail (never the detail
 * itself on the wire, STYLE 4).
 */
async function refusalStatus(
  env: Env,
  message: SloMessage,
  requestId: string | null,
  refusal: { reason: LogoutRefusal; detail: string },
): Promise<LogoutStatus> {
  const referenceId = `ref_${randomBase32(16)}`;
  console.warn(
    JSON.stringify({ event: "logout.refused", referenceId, ...refusal, connectionId: message.connectionId }),
  );
  try {
    await orgOp(env, message.organizationId, "recordLogoutRefusal", {
      connectionId: message.connectionId,
      requestId,
      referenceId,
      ...refusal,
    });
  } catch (error) {
    console.error("could not record a refused LogoutRequest", referenceId, errorText(error));
  }
  const { code, subCode, text } = REFUSALS[refusal.reason];
  return { code, ...(subCode ? { subCode } : {}), message: `${refusal.reason}: ${text} (reference ${referenceId})` };
}

const DENIED = { code: STATUS.requester, subCode: STATUS.requestDenied };
const MALFORMED = { code: STATUS.requester, text: "the LogoutRequest could not be read" };
const BAD_SIGNATURE = { ...DENIED, text: "the signature does not verify with this connection's IdP certificate" };

/** What each refusal tells the IdP. Exhaustive over the reasons: a new code does not compile without its status. */
const REFUSALS: Record<LogoutRefusal, { code: string; subCode?: string; text: string }> = {
  unsigned: { ...DENIED, text: "the LogoutRequest must be signed" },
  signature_invalid: BAD_SIGNATURE,
  digest_mismatch: BAD_SIGNATURE,
  untrusted_certificate: BAD_SIGNATURE,
  signature_shape: { ...DENIED, text: "the signature's shape is not one this SP accepts" },
  reference_mismatch: { ...DENIED, text: "the signature does not cover the LogoutRequest" },
  unsupported_transform: { ...DENIED, text: "the signature uses a transform this SP does not accept" },
  unsupported_algorithm: {
    code: STATUS.requester,
    subCode: STATUS.requestUnsupported,
    text: "the signature algorithm is not accepted",
  },
  issuer_mismatch: { ...DENIED, text: "the Issuer is not this connection's IdP" },
  destination_mismatch: { ...DENIED, text: "the Destination is not this SP's SLO URL" },
  not_yet_valid: { ...DENIED, text: "the IssueInstant is in the future" },
  expired: { ...DENIED, text: "the LogoutRequest is no longer fresh" },
  replayed: { ...DENIED, text: "this LogoutRequest was already processed" },
  missing_condition: { code: STATUS.requester, text: "the LogoutRequest must name exactly one NameID" },
  non_text_value: { code: STATUS.requester, text: "the NameID or SessionIndex must be plain text" },
  unavailable: { code: STATUS.responder, text: "the sessions could not be ended now; try again" },
  bad_encoding: MALFORMED,
  too_large: MALFORMED,
  too_deep: MALFORMED,
  doctype_forbidden: MALFORMED,
  malformed_xml: MALFORMED,
  duplicate_id: MALFORMED,
  // Codes of the Response checks (SPEC §5) that a LogoutRequest's verification never raises.
  no_assertion: MALFORMED,
  multiple_assertions: MALFORMED,
  assertion_in_advice: MALFORMED,
  recipient_mismatch: MALFORMED,
  audience_mismatch: MALFORMED,
  in_response_to_missing: MALFORMED,
  in_response_to_mismatch: MALFORMED,
  unsolicited: MALFORMED,
  status_not_success: MALFORMED,
  decryption_failed: MALFORMED,
  missing_authn_statement: MALFORMED,
};

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
