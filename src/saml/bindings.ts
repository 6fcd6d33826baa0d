import { encodeBase64 } from "../lib/base64";
import { importSigningKey } from "./signing-key";

/** The form fields of the HTTP-POST binding (SAML bindings 3.5.4). */
export interface PostBindingFields {
  SAMLRequest: string;
  RelayState?: string;
}

/** HTTP-POST binding: base64 of the (optionally signed, see signXml) XML, plus RelayState. */
export function encodePostBinding(xml: string, relayState?: string): PostBindingFields {
  const fields: PostBindingFields = { SAMLRequest: encodeBase64(new TextEncoder().encode(xml)) };
  if (relayState !== undefined) fields.RelayState = relayState;
  return fields;
}

/** The form or query parameter a SAML message travels in (SAML bindings 3.4.4, 3.5.4). */
export type SamlMessageParameter = "SAMLRequest" | "SAMLResponse";

/** Input of {@link encodeRedirectBinding}. */
export interface RedirectBindingInput {
  xml: string;
  /** The IdP's endpoint (SSO or SLO URL); an existing query string is kept. */
  destination: string;
  /** Default `SAMLRequest` (an AuthnRequest or LogoutRequest); `SAMLResponse` for a LogoutResponse. */
  parameter?: SamlMessageParameter;
  relayState?: string;
  /** PKCS#8 PEM of the SP signing key: when given, the query is signed with RSA-SHA256. */
  signingKeyPem?: string;
}

const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/**
 * HTTP-Redirect binding (SAML bindings 3.4.4): DEFLATE (raw) then base64 in
 * `SAMLRequest` (or `SAMLResponse`), then `RelayState`, then — when signing — `SigAlg` and
 * a `Signature` over the exact octets `SAMLRequest=…&RelayState=…&SigAlg=…` as they appear
 * in the URL (3.4.4.1). Returns the URL to redirect the browser to.
 */
export async function encodeRedirectBinding(input: RedirectBindingInput): Promise<string> {
  const deflated = await deflateRaw(new TextEncoder().encode(input.xml));
  let query = `${input.parameter ?? "SAMLRequest"}=${encodeURIComponent(encodeBase64(deflated))}`;
  if (input.relayState !== undefined) query += `&RelayState=${encodeURIComponent(input.relayState)}`;
  if (input.signingKeyPem !== undefined) {
    query += `&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
    const key = await importSigningKey(input.signingKeyPem);
    const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(query));
    query += `&Signature=${encodeURIComponent(encodeBase64(new Uint8Array(signature)))}`;
  }
  return `${input.destination}${input.destination.includes("?") ? "&" : "?"}${query}`;
}

/** Raw DEFLATE (RFC 1951) with the platform's CompressionStream (workerd and Node). */
export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
