import { encodeBase64 } from "../../lib/base64";
import { encodeRedirectBinding, signXml, type SamlMessageParameter } from "../../saml";
import { samlPostForm } from "./post-form";

/** A SAML protocol message for the IdP, sent through the browser. */
export interface OutgoingSamlMessage {
  binding: "redirect" | "post";
  /** The IdP's endpoint (its SLO URL). */
  destination: string;
  parameter: SamlMessageParameter;
  /** The unsigned message XML. */
  xml: string;
  relayState: string | null;
  /** The SP signing key (PKCS#8 PEM): signs the query (Redirect) or the XML, enveloped (POST); null sends it unsigned. */
  signingKeyPem: string | null;
  /** Its certificate, put in the POST binding's KeyInfo. */
  signingCertificatePem: string;
  /** What the POST binding's page says while it submits itself. */
  page: { title: string; message: string; button: string };
}

/**
 * Sends a SAML message to the IdP through the browser (SAML bindings 3.4.4, 3.5.4):
 * HTTP-Redirect — a 302 whose query carries the DEFLATEd message and, when signing,
 * `SigAlg` and `Signature` over the query's octets (3.4.4.1; no signature in the XML);
 * HTTP-POST — a page whose form submits the base64 XML, enveloped-signed when signing.
 */
export async function sendSamlMessage(message: OutgoingSamlMessage): Promise<Response> {
  if (message.binding === "redirect") {
    const location = await encodeRedirectBinding({
      xml: message.xml,
      destination: message.destination,
      parameter: message.parameter,
      ...(message.relayState !== null ? { relayState: message.relayState } : {}),
      ...(message.signingKeyPem !== null ? { signingKeyPem: message.signingKeyPem } : {}),
    });
    return new Response(null, { status: 302, headers: { location, "cache-control": "no-store" } });
  }
  const xml =
    message.signingKeyPem !== null
      ? await signXml(message.xml, {
          privateKeyPem: message.signingKeyPem,
          certificatePem: message.signingCertificatePem,
        })
      : message.xml;
  const value = encodeBase64(new TextEncoder().encode(xml));
  const fields: Record<string, string> = { [message.parameter]: value };
  if (message.relayState !== null) fields.RelayState = message.relayState;
  return samlPostForm({ action: message.destination, fields, ...message.page });
}
