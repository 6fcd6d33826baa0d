import type { Element } from "@xmldom/xmldom";
import { signatureAlgorithm } from "./algorithms";
import { decodeBase64 } from "./base64";
import { decodeSamlMessage, decodeXmlBytes, SAML_LIMITS } from "./decode-saml-message";
import { attr, isElementNamed, optionalChild, strictText } from "./dom";
import { parseInstant } from "./instant";
import { NS } from "./namespaces";
import { parseXml } from "./parse-xml";
import { readSignature } from "./read-signature";
import { fail, SamlError } from "./saml-error";
import { trustedCertificates, verificationKey } from "./trusted-keys";
import { verifySignature } from "./verify-signature";

/**
 * The shared prologue of every logout message an IdP sends us (SAML core 3.7: a
 * LogoutRequest it starts, or the LogoutResponse answering ours): decode it in its binding,
 * parse it under SPEC §5's input rules, check its root, require a signature by a configured
 * IdP certificate (profiles 4.4.4.1, 4.4.4.2), then Issuer, Destination and IssueInstant.
 */

/** What checking an IdP's logout message needs of its connection (SPEC §9, §5's rules that apply). */
export interface LogoutMessagePolicy {
  idpEntityId: string;
  idpCertificates: readonly string[];
  /** Our SLO URL: a Destination, when present, must equal it. */
  sloUrl: string;
  allowSha1: boolean;
  clockSkewSeconds: number;
}

/** A logout message as it arrived, in either binding (SAML bindings 3.4, 3.5). */
export interface SignedLogoutMessageInput {
  binding: "redirect" | "post";
  /** The `SAMLRequest`/`SAMLResponse` value, URL-decoded: base64 of raw DEFLATE (Redirect) or of the XML (POST). */
  value: string;
  /** Redirect binding: the query string as received (no `?`), whose raw octets the signature covers. */
  rawQuery: string;
  parameter: "SAMLRequest" | "SAMLResponse";
  rootName: "LogoutRequest" | "LogoutResponse";
  policy: LogoutMessagePolicy;
}

/**
 * The message's root element, once its signature verified: enveloped in the HTTP-POST
 * binding (SPEC §5's signature rules), over the raw query in the HTTP-Redirect binding
 * (bindings 3.4.4.1). An unsigned message is `unsigned` in either binding. Only the returned
 * element may be read afterwards.
 */
export async function openSignedLogoutMessage(input: SignedLogoutMessageInput): Promise<Element> {
  const root = await openLogoutMessage(input);
  await checkLogoutSignature(root, input);
  return root;
}

/**
 * The message decoded in its binding and parsed under SPEC §5's input rules, its root
 * checked — not yet its signature: nothing in it may be trusted before {@link checkLogoutSignature}.
 */
export async function openLogoutMessage(
  input: Pick<SignedLogoutMessageInput, "binding" | "value" | "rootName">,
): Promise<Element> {
  const xml = input.binding === "post" ? decodeSamlMessage(input.value) : await inflate(input.value);
  const root = parseXml(xml).document.documentElement!;
  if (!isElementNamed(root, NS.protocol, input.rootName)) fail("malformed_xml", `the root is not a ${input.rootName}`);
  return root;
}

/** Requires the message's signature by a configured IdP certificate, in its binding (see openSignedLogoutMessage). */
export async function checkLogoutSignature(root: Element, input: SignedLogoutMessageInput): Promise<void> {
  const { policy } = input;
  if (input.binding === "post") {
    const trusted = trustedCertificates(policy.idpCertificates);
    const signature = readSignature(root, { allowSha1: policy.allowSha1, trusted });
    if (!signature) fail("unsigned", `the ${input.rootName} is not signed`);
    await verifySignature(signature);
  } else {
    await verifyQuerySignature(input.rawQuery, input.parameter, policy);
  }
}

/**
 * Issuer = the IdP's entity ID, Destination (when present) = our SLO URL, IssueInstant not in
 * the future beyond the skew (SAML core 3.2.1, 3.2.2). Returns IssueInstant (epoch ms) and
 * the skew in ms, for the caller's own freshness rule.
 */
export function checkLogoutMessageHeader(
  root: Element,
  policy: LogoutMessagePolicy,
  now: number,
): { issuedAt: number; skewMs: number } {
  const name = root.localName;
  const issuer = optionalChild(root, NS.assertion, "Issuer");
  const issuerText = issuer ? strictText(issuer).trim() : "";
  if (issuerText !== policy.idpEntityId)
    fail("issuer_mismatch", `${name} Issuer "${issuerText}", expected "${policy.idpEntityId}"`);
  const destination = attr(root, "Destination");
  if (destination !== null && destination !== policy.sloUrl)
    fail("destination_mismatch", `Destination "${destination}", expected "${policy.sloUrl}"`);
  const skewMs = Math.min(Math.max(policy.clockSkewSeconds, 0), 180) * 1000;
  const issuedAt = parseInstant(attr(root, "IssueInstant") ?? "", "IssueInstant");
  if (issuedAt > now + skewMs)
    fail("not_yet_valid", `IssueInstant ${new Date(issuedAt).toISOString()} is in the future`);
  return { issuedAt, skewMs };
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
