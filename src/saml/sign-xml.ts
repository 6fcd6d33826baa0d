import { XMLSerializer, type Document, type Element } from "@xmldom/xmldom";
import { encodeBase64 } from "../lib/base64";
import { canonicalize } from "./canonicalize";
import { childElements } from "./dom";
import { NS } from "./namespaces";
import { parseXml } from "./parse-xml";
import { importSigningKey } from "./signing-key";

const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const utf8 = new TextEncoder();

/** The SP's signing key pair. */
export interface XmlSigningKey {
  /** PKCS#8 PEM of the RSA private key. */
  privateKeyPem: string;
  /** The matching certificate (PEM), put in KeyInfo when given. */
  certificatePem?: string;
}

/**
 * Sign a SAML message (an AuthnRequest or LogoutRequest) for the HTTP-POST binding: an
 * enveloped RSA-SHA256 signature with exc-c14n, placed right after the root's Issuer as
 * the SAML schema requires (SAML core 3.2.1, bindings 3.5.4). The shape is the one our
 * verifier demands of IdPs (SPEC §5).
 */
export async function signXml(xml: string, key: XmlSigningKey): Promise<string> {
  const { document } = parseXml(xml);
  const root = document.documentElement!;
  const id = root.getAttribute("ID");
  if (!id) throw new TypeError("the message to sign has no ID");
  const digest = await crypto.subtle.digest("SHA-256", utf8.encode(canonicalize(root)));
  const signature = signatureElement(document, id, encodeBase64(new Uint8Array(digest)), key.certificatePem);
  const issuer = childElements(root).find((c) => c.namespaceURI === NS.assertion && c.localName === "Issuer");
  root.insertBefore(signature, issuer ? issuer.nextSibling : root.firstChild);
  const signedInfo = childElements(signature)[0]!;
  const privateKey = await importSigningKey(key.privateKeyPem);
  const value = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", privateKey, utf8.encode(canonicalize(signedInfo)));
  childElements(signature)[1]!.appendChild(document.createTextNode(encodeBase64(new Uint8Array(value))));
  return new XMLSerializer().serializeToString(document);
}

function signatureElement(doc: Document, id: string, digest: string, certificatePem?: string): Element {
  const el = (name: string, attrs: Record<string, string> = {}, ...children: Array<Element | string>) => {
    const e = doc.createElementNS(NS.dsig, `ds:${name}`);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.appendChild(typeof c === "string" ? doc.createTextNode(c) : c);
    return e;
  };
  const signedInfo = el(
    "SignedInfo",
    {},
    el("CanonicalizationMethod", { Algorithm: NS.excC14n }),
    el("SignatureMethod", { Algorithm: RSA_SHA256 }),
    el(
      "Reference",
      { URI: `#${id}` },
      el("Transforms", {}, el("Transform", { Algorithm: ENVELOPED }), el("Transform", { Algorithm: NS.excC14n })),
      el("DigestMethod", { Algorithm: SHA256 }),
      el("DigestValue", {}, digest),
    ),
  );
  const signature = el("Signature", {}, signedInfo, el("SignatureValue"));
  if (certificatePem) {
    const body = certificatePem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
    signature.appendChild(el("KeyInfo", {}, el("X509Data", {}, el("X509Certificate", {}, body))));
  }
  return signature;
}
