import { encodeBase64 } from "../base64";

export const SIG_ALG_RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

/** HTTP-POST binding (SAML bindings 3.5.4): the form value is base64 of the XML. */
export function encodePostBinding(xml: string): string {
  return encodeBase64(new TextEncoder().encode(xml));
}

/** Raw DEFLATE (RFC 1951) of UTF-8 text, as the HTTP-Redirect binding wants. */
export async function deflateRaw(text: string): Promise<Uint8Array> {
  const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * HTTP-Redirect binding (SAML bindings 3.4.4): the URL to send the browser to. When a key
 * is given, the query `SAMLRequest=…&RelayState=…&SigAlg=…` is signed with RSA-SHA256
 * exactly as it appears in the URL (3.4.4.1).
 */
export async function encodeRedirectBinding(input: {
  destination: string; xml: string; relayState: string | null; signingKey?: CryptoKey | undefined;
}): Promise<string> {
  const parts = [`SAMLRequest=${encodeURIComponent(encodeBase64(await deflateRaw(input.xml)))}`];
  if (input.relayState !== null) parts.push(`RelayState=${encodeURIComponent(input.relayState)}`);
  if (input.signingKey) {
    parts.push(`SigAlg=${encodeURIComponent(SIG_ALG_RSA_SHA256)}`);
    const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", input.signingKey, new TextEncoder().encode(parts.join("&")));
    parts.push(`Signature=${encodeURIComponent(encodeBase64(new Uint8Array(signature)))}`);
  }
  const url = new URL(input.destination);
  return `${url.toString()}${url.search ? "&" : "?"}${parts.join("&")}`;
}
