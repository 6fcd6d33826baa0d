import type { Element } from "@xmldom/xmldom";
import { signatureAlgorithm } from "./algorithms";
import { decodeBase64 } from "./base64";
import { decodeSamlMessage, decodeXmlBytes, SAML_LIMITS } from "./decode-saml-message";
import { attr, childrenNamed, isElementNamed, optionalChild, strictText } from "./dom";
import { parseInstant } from "./instant";
import { NS } from "./namespaces";
import { parseXml } from "./parse-xml";
import { readSignature } from "./read-signature";
import { fail, SamlError, type SamlResult } from "./saml-error";
import { trustedCertificates, verificationKey } from "./trusted-keys";
import { verifySignature } from "./verify-signature";

/** What checking an IdP's logout message needs of its connection (SPEC §9, §5's rules that apply). */
export interface LogoutMessagePolicy {
  idpEntityId: string;
  idpCertificates: readonly string[];
  /** Our SLO URL: a Destination, when present, must equal it. */
  sloUrl: string;
  allowSha1: boolean;
  clockSkewSeconds: number;
}

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
 * Decides whether an IdP's LogoutRequest (SAML core 3.7.1) may end sessions: the input
 * rules of SPEC §5, a signature by a configured IdP certificate — enveloped (POST) or over
 * the query string (Redirect, bindings 3.4.4.1) — Issuer, Destination and freshness. The
 * replay cache is the caller's. Pure: the clock comes in.
 */
export async function verifyLogoutRequest(input: VerifyLogoutRequestInput): Promise<SamlResult<VerifiedLogoutRequest>> {
  try {
    return { ok: true, value: await verify(input) };
  } catch (error) {
    if (error instanceof SamlError) return { ok: false, error };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: new SamlError("malformed_xml", `unexpected failure: ${message}`) };
  }
}

async function verify(input: VerifyLogoutRequestInput): Promise<VerifiedLogoutRequest> {
  const { policy } = input;
  const xml = input.binding === "post" ? decodeSamlMessage(input.samlRequest) : await inflate(input.samlRequest);
  const root = parseXml(xml).document.documentElement!;
  if (!isElementNamed(root, NS.protocol, "LogoutRequest")) fail("malformed_xml", "the root is not a LogoutRequest");
  const trusted = trustedCertificates(policy.idpCertificates);
  if (input.binding === "post") {
    const signature = readSignature(root, { allowSha1: policy.allowSha1, trusted });
    if (!signature) fail("unsigned", "the LogoutRequest is not signed");
    await verifySignature(signature);
  } else {
    await verifyQuerySignature(input.rawQuery ?? "", "SAMLRequest", policy);
  }
  return readRequest(root, policy, input.now.getTime());
}

function readRequest(root: Element, policy: LogoutMessagePolicy, now: number): VerifiedLogoutRequest {
  const issuer = optionalChild(root, NS.assertion, "Issuer");
  const issuerText = issuer ? strictText(issuer).trim() : "";
  if (issuerText !== policy.idpEntityId)
    fail("issuer_mismatch", `LogoutRequest Issuer "${issuerText}", expected "${policy.idpEntityId}"`);
  const destination = attr(root, "Destination");
  if (destination !== null && destination !== policy.sloUrl)
    fail("destination_mismatch", `Destination "${destination}", expected "${policy.sloUrl}"`);
  const skew = Math.min(Math.max(policy.clockSkewSeconds, 0), 180) * 1000;
  const issued = parseInstant(attr(root, "IssueInstant") ?? "", "IssueInstant");
  if (issued > now + skew) fail("not_yet_valid", `IssueInstant ${new Date(issued).toISOString()} is in the future`);
  const end = attr(root, "NotOnOrAfter");
  const notOnOrAfter = end !== null ? parseInstant(end, "NotOnOrAfter") : issued + REQUEST_LIFETIME_MS;
  if (now - skew >= notOnOrAfter)
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
    replayCacheUntil: notOnOrAfter + skew,
  };
}

/**
 * The HTTP-Redirect binding's signature (SAML bindings 3.4.4.1): over the octets
 * `SAMLRequest=…&RelayState=…&SigAlg=…` exactly as they appear in the query (never
 * re-encoded), with a configured IdP certificate. Missing SigAlg or Signature is `unsigned`.
 */
export async function verifyQuerySignature(
  rawQuery: string,
  parameter: "SAMLRequest" | "SAMLResponse",
  policy: Pick<LogoutMessagePolicy, "idpCertificates" | "allowSha1">,
): Promise<void> {
  const raw = new Map<string, string>();
  for (const part of rawQuery.split("&")) {
    const eq = part.indexOf("=");
    const name = eq > 0 ? part.slice(0, eq) : part;
    if (raw.has(name)) fail("malformed_xml", `${name} is repeated in the query`);
    if (eq > 0) raw.set(name, part.slice(eq + 1));
  }
  const sigAlg = raw.get("SigAlg");
  const signatureValue = raw.get("Signature");
  if (sigAlg === undefined || signatureValue === undefined) fail("unsigned", `the ${parameter} is not signed`);
  const algorithm = signatureAlgorithm(decodeURIComponent(sigAlg), policy.allowSha1);
  const signature = decodeBase64(decodeURIComponent(signatureValue));
  if (!signature) fail("signature_shape", "Signature is not base64");
  const signed = [parameter, "RelayState", "SigAlg"]
    .filter((name) => raw.has(name))
    .map((name) => `${name}=${raw.get(name)}`)
    .join("&");
  const trusted = trustedCertificates(policy.idpCertificates);
  if (trusted.length === 0) fail("untrusted_certificate", "the connection has no IdP certificate");
  const params = algorithm.kind === "ECDSA" ? { name: "ECDSA", hash: algorithm.hash } : { name: "RSASSA-PKCS1-v1_5" };
  const bytes = new TextEncoder().encode(signed);
  for (const certificate of trusted) {
    const key = await verificationKey(certificate, algorithm);
    if (key && (await crypto.subtle.verify(params, key, signature, bytes).catch(() => false))) return;
  }
  fail("signature_invalid", `the ${parameter}'s query signature does not verify`);
}

/** The Redirect binding's payload: base64 of raw DEFLATE, inflated to at most SPEC §5's 256 KiB. */
export async function inflate(encoded: string): Promise<string> {
  const bytes = decodeBase64(encoded);
  if (!bytes) fail("bad_encoding", "not strict base64");
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > SAML_LIMITS.maxXmlBytes) fail("too_large", "the inflated message exceeds 256 KiB");
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof SamlError) throw error;
    fail("bad_encoding", "not raw DEFLATE");
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decodeXmlBytes(out);
}
