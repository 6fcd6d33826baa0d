import { readCapped } from "../../http/read-body";
import { SAML_LIMITS } from "../../saml/outbound";

/**
 * A SAML message that reached `/saml/{connId}/slo` (SPEC §3, §9), in either binding
 * (SAML bindings 3.4 HTTP-Redirect, 3.5 HTTP-POST): a LogoutRequest from the IdP
 * (`SAMLRequest`) or the IdP's LogoutResponse to ours (`SAMLResponse`).
 */
export interface SloMessage {
  binding: "redirect" | "post";
  /** Which parameter carried it: a request (IdP-initiated logout) or a response (RP-initiated). */
  kind: "request" | "response";
  connectionId: string;
  organizationId: string;
  /** The parameter's value, URL- or form-decoded: base64 of raw DEFLATE (Redirect) or of the XML (POST). */
  value: string;
  relayState: string | null;
  /**
   * Redirect binding: the query string as received (no `?`), whose raw octets the
   * signature covers (bindings 3.4.4.1); "" for POST.
   */
  rawQuery: string;
  request: Request;
}

/** Why an SLO request carries no message we can read. */
export type SloMessageResult = { ok: true; message: SloMessage } | { ok: false; detail: string };

/** A form-encoded SAML message: base64 of at most 256 KiB of XML, plus the form's overhead. */
const MAX_SLO_BODY = Math.ceil((SAML_LIMITS.maxXmlBytes * 4) / 3) * 3 + 16 * 1024;

/** SAML bindings 3.4.3 / 3.5.3: RelayState "MUST NOT exceed 80 bytes"; we echo it, so a bound (lenient). */
const MAX_RELAY_STATE = 1024;

/**
 * Reads the message of an SLO request: GET → the query (Redirect binding), POST → the
 * form (POST binding); exactly one of `SAMLRequest` and `SAMLResponse`, each at most once.
 */
export async function readSloMessage(
  request: Request,
  ids: { connectionId: string; organizationId: string },
): Promise<SloMessageResult> {
  let params: URLSearchParams;
  let rawQuery = "";
  if (request.method === "GET") {
    rawQuery = new URL(request.url).search.slice(1);
    params = new URLSearchParams(rawQuery);
  } else {
    const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") return { ok: false, detail: `content type ${type ?? "(none)"}` };
    try {
      params = new URLSearchParams(await readCapped(request, MAX_SLO_BODY));
    } catch {
      return { ok: false, detail: "the form is too large or not UTF-8" };
    }
  }
  const requests = params.getAll("SAMLRequest");
  const responses = params.getAll("SAMLResponse");
  if (requests.length + responses.length !== 1)
    return { ok: false, detail: "expected exactly one SAMLRequest or SAMLResponse" };
  const relayStates = params.getAll("RelayState");
  if (relayStates.length > 1) return { ok: false, detail: "RelayState is repeated" };
  const relayState = relayStates[0] ?? null;
  if (relayState !== null && relayState.length > MAX_RELAY_STATE)
    return { ok: false, detail: "RelayState is too long" };
  return {
    ok: true,
    message: {
      binding: request.method === "GET" ? "redirect" : "post",
      kind: requests.length === 1 ? "request" : "response",
      ...ids,
      value: (requests[0] ?? responses[0])!,
      relayState,
      rawQuery,
      request,
    },
  };
}
