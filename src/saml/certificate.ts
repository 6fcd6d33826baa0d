import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { decodeBase64, encodeBase64, stripBase64Whitespace } from "./base64";

/** An X.509 certificate: its DER and that DER's canonical base64. */
export interface CertificateDer {
  der: Uint8Array;
  base64: string;
}

const PEM_BODY = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/;

/**
 * Read a configured IdP certificate in any of the forms SPEC §2 admits: PEM with any
 * line endings, one-line PEM, bare base64 DER, or base64 of a PEM file. `null` when it is
 * none of them.
 */
export function readCertificate(input: string): CertificateDer | null {
  const pem = PEM_BODY.exec(input);
  const body = pem ? pem[1]! : input;
  const bytes = decodeBase64(body.replace(/\\n|\\r/g, ""));
  if (!bytes || bytes.length === 0) return null;
  if (!pem && startsWithPemHeader(bytes)) {
    return readCertificate(new TextDecoder().decode(bytes));
  }
  if (bytes[0] !== 0x30) return null;
  return { der: bytes, base64: encodeBase64(bytes) };
}

function startsWithPemHeader(bytes: Uint8Array): boolean {
  const head = "-----BEGIN";
  for (let i = 0; i < head.length; i++) if (bytes[i] !== head.charCodeAt(i)) return false;
  return true;
}

/** The canonical base64 of an `<ds:X509Certificate>` value, for comparison with configured ones. */
export function keyInfoCertificateBase64(text: string): string {
  return stripBase64Whitespace(text);
}

const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
const EC_PUBLIC_KEY = "1.2.840.10045.2.1";
/** DER of the namedCurve OIDs (RFC 5480 §2.1.1.1), as hex. */
const CURVES: Record<string, "P-256" | "P-384" | "P-521"> = {
  "06082a8648ce3d030107": "P-256",
  "06052b81040022": "P-384",
  "06052b81040023": "P-521",
};

/** A certificate's public key, ready for crypto.subtle.importKey("spki", …). */
export interface CertificatePublicKey {
  spki: ArrayBuffer;
  kind: "RSA" | "EC";
  namedCurve?: "P-256" | "P-384" | "P-521";
}

/** Extract the SubjectPublicKeyInfo of a DER certificate; `null` when it is not RSA or a named EC curve. */
export function certificatePublicKey(der: Uint8Array): CertificatePublicKey | null {
  let certificate: Certificate;
  try {
    certificate = AsnConvert.parse(der, Certificate);
  } catch {
    return null;
  }
  const info = certificate.tbsCertificate.subjectPublicKeyInfo;
  const spki = AsnConvert.serialize(info);
  if (info.algorithm.algorithm === RSA_ENCRYPTION) return { spki, kind: "RSA" };
  if (info.algorithm.algorithm !== EC_PUBLIC_KEY || !info.algorithm.parameters) return null;
  const curve = toHex(new Uint8Array(info.algorithm.parameters));
  const namedCurve = Object.hasOwn(CURVES, curve) ? CURVES[curve] : undefined;
  return namedCurve ? { spki, kind: "EC", namedCurve } : null;
}

function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}
