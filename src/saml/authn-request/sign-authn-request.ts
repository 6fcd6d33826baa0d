import { encodeBase64 } from "../base64";
import { NS } from "../namespaces";
import { issuerElement } from "./build-authn-request";

const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";

/**
 * Signs an AuthnRequest made by buildAuthnRequest with an enveloped RSA-SHA256 signature
 * placed right after its Issuer (SAML core 5.4.1). The request text is already in
 * exc-c14n form, so the Reference digest is SHA-256 of that text; SignedInfo is also
 * written canonically, with the ds namespace declared on it as exc-c14n renders it.
 */
export async function signAuthnRequestXml(xml: string, id: string, issuer: string, key: CryptoKey): Promise<string> {
  const digest = encodeBase64(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(xml))));
  const signedInfoBody =
    `<ds:CanonicalizationMethod Algorithm="${NS.excC14n}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${RSA_SHA256}"></ds:SignatureMethod>` +
    `<ds:Reference URI="#${id}"><ds:Transforms>` +
    `<ds:Transform Algorithm="${NS.dsig}enveloped-signature"></ds:Transform>` +
    `<ds:Transform Algorithm="${NS.excC14n}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${SHA256}"></ds:DigestMethod><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference>`;
  const canonicalSignedInfo = `<ds:SignedInfo xmlns:ds="${NS.dsig}">${signedInfoBody}</ds:SignedInfo>`;
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(canonicalSignedInfo));
  const signatureElement =
    `<ds:Signature xmlns:ds="${NS.dsig}"><ds:SignedInfo>${signedInfoBody}</ds:SignedInfo>` +
    `<ds:SignatureValue>${encodeBase64(new Uint8Array(signature))}</ds:SignatureValue></ds:Signature>`;
  const issuerXml = issuerElement(issuer);
  const at = xml.indexOf(issuerXml);
  if (at < 0) throw new Error("the AuthnRequest has no Issuer to sign after");
  return xml.slice(0, at + issuerXml.length) + signatureElement + xml.slice(at + issuerXml.length);
}

/** Imports a PKCS#8 PEM private key for RSA-SHA256 signing. */
export async function importSigningKey(pkcs8Pem: string): Promise<CryptoKey> {
  const body = pkcs8Pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  return crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
}
