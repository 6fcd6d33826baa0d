/**
 * Accepts an IdP signing certificate in the shapes admins paste (SPEC §2, `idpCertificates`)
 * and returns it as canonical PEM plus DER, after checking it parses as X.509.
 */
import { decodeBase64 } from "../../lib/base64";
import { encodePem, findPemBlocks } from "../../crypto/pem";
import { sha256Hex } from "../../crypto/hash";
import { x509 } from "../../crypto/x509";

/** Result of {@link normalizeCertificate}. */
export type NormalizedCertificate = { ok: true; pem: string; der: Uint8Array } | { ok: false; reason: string };

/** Details of a certificate shown to admins. */
export interface CertificateInfo {
  /** Subject DN in RFC 4514 form, e.g. `CN=Okta, O=Okta`. */
  subject: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER, lower-case hex without separators. */
  fingerprintSha256: string;
}

/** Certificates are a few KiB; anything far larger is not one. */
const MAX_INPUT_CHARS = 64 * 1024;

/**
 * Normalizes a certificate given as PEM (any line endings, or on one line), bare base64
 * DER (possibly wrapped), or base64 of a whole PEM file (what seed 000 calls "usually a
 * base64-encoded PEM file"). Output PEM has 64-character lines and LF endings.
 */
export function normalizeCertificate(input: string): NormalizedCertificate {
  if (typeof input !== "string") return fail("certificate must be a string");
  if (input.length > MAX_INPUT_CHARS) return fail(`certificate is longer than ${MAX_INPUT_CHARS} characters`);
  // JSON-escaped PEM ("\n" as two characters) is a common paste from config files.
  const text = input
    .replace(/^\uFEFF/, "")
    .replace(/\\r\\n|\\n|\\r/g, "\n")
    .trim();
  if (text.length === 0) return fail("certificate is empty");
  if (text.includes("-----BEGIN")) return fromPem(text);
  const decoded = decodeBase64(text);
  if (!decoded) return fail("certificate is neither PEM nor base64");
  const asText = latin1(decoded.subarray(0, 64)).trimStart();
  if (asText.startsWith("-----BEGIN")) return fromPem(latin1(decoded));
  return fromDer(decoded);
}

/**
 * Subject, validity and SHA-256 fingerprint of a certificate in any form
 * {@link normalizeCertificate} accepts.
 * @throws TypeError when the input is not a certificate.
 */
export async function certificateInfo(pem: string): Promise<CertificateInfo> {
  const normalized = normalizeCertificate(pem);
  if (!normalized.ok) throw new TypeError(normalized.reason);
  const cert = new x509.X509Certificate(normalized.der);
  return {
    subject: cert.subject,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    fingerprintSha256: await sha256Hex(normalized.der),
  };
}

function fromPem(text: string): NormalizedCertificate {
  const blocks = findPemBlocks(text);
  if (blocks.length === 0) return fail("PEM has a BEGIN line without a matching END line");
  const certificates = blocks.filter((b) => b.label === "CERTIFICATE");
  if (certificates.length === 0) {
    return fail(`PEM holds a ${blocks[0]?.label ?? "non-certificate"} block, not a CERTIFICATE`);
  }
  if (certificates.length > 1) return fail("PEM holds several certificates; give one per entry");
  const outside = text.replace(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g, "").trim();
  if (outside.includes("-----")) return fail("PEM has an unterminated block");
  // RFC 7468 §5.2 allows explanatory headers only in legacy encrypted PEM; none apply to certificates.
  const body = certificates[0]?.body ?? "";
  if (body.includes(":")) return fail("PEM certificate has headers, which certificates never carry");
  const der = decodeBase64(body);
  if (!der) return fail("PEM certificate body is not base64");
  return fromDer(der);
}

function fromDer(der: Uint8Array): NormalizedCertificate {
  // The ASN.1 parser ignores bytes after the first structure; trailing bytes mean a corrupt paste.
  const length = outerDerLength(der);
  if (length !== undefined && length < der.byteLength)
    return fail("certificate has trailing data after the DER structure");
  try {
    new x509.X509Certificate(der);
  } catch (error) {
    return fail(`not an X.509 certificate (${error instanceof Error ? error.message : "parse error"})`);
  }
  return { ok: true, pem: encodePem(der, "CERTIFICATE"), der };
}

/** Total length of the outer DER element (X.690 §8.1.3), or undefined if its header is not definite-length. */
function outerDerLength(der: Uint8Array): number | undefined {
  const first = der[1];
  if (first === undefined) return undefined;
  if (first < 0x80) return 2 + first;
  const octets = first & 0x7f;
  if (octets === 0 || octets > 4 || der.length < 2 + octets) return undefined;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + (der[2 + i] ?? 0);
  return 2 + octets + length;
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function fail(reason: string): NormalizedCertificate {
  return { ok: false, reason };
}
