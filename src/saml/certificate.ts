import { encodeBase64 } from "../lib/base64";
import { decodeBase64, stripBase64Whitespace } from "./base64";

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
/** Content octets of the algorithm OIDs, as hex (RFC 3279 §2.3.1, RFC 5480 §2.1.1). */
const KEY_ALGORITHMS: Record<string, string> = {
  "2a864886f70d010101": RSA_ENCRYPTION,
  "2a8648ce3d0201": EC_PUBLIC_KEY,
};
/** Content octets of the namedCurve OIDs (RFC 5480 §2.1.1.1): the curves SPEC §5 allows. */
const CURVES: Record<string, "P-256" | "P-384"> = {
  "2a8648ce3d030107": "P-256",
  "2b81040022": "P-384",
};

/** A certificate's public key, ready for crypto.subtle.importKey("spki", …). */
export interface CertificatePublicKey {
  /** The DER of tbsCertificate.subjectPublicKeyInfo, as the certificate holds it. */
  spki: ArrayBuffer;
  /** The SPKI's algorithm OID: rsaEncryption or id-ecPublicKey. */
  algorithm: typeof RSA_ENCRYPTION | typeof EC_PUBLIC_KEY;
  kind: "RSA" | "EC";
  namedCurve?: "P-256" | "P-384";
}

/**
 * The SubjectPublicKeyInfo of a DER certificate (RFC 5280 §4.1); `null` when the DER is
 * malformed or the key is not RSA or EC on P-256/P-384 (SPEC §5's algorithms).
 *
 * A strict DER walk instead of an ASN.1 library (which cost 17 ms on the first
 * verification of an isolate, bench/README.md): Certificate → tbsCertificate → past the
 * optional [0] version, serialNumber, signature, issuer, validity and subject →
 * subjectPublicKeyInfo. Every length is definite, minimal and within its parent; the
 * Certificate, its three fields and the SPKI end exactly where their lengths say.
 * WebCrypto's importKey parses the key itself.
 */
export function certificatePublicKey(der: Uint8Array): CertificatePublicKey | null {
  try {
    return readPublicKey(der);
  } catch (error) {
    if (error instanceof MalformedDer) return null;
    throw error;
  }
}

function readPublicKey(der: Uint8Array): CertificatePublicKey | null {
  const certificate = readTlv(der, 0, der.length, SEQUENCE);
  if (certificate.end !== der.length) malformed("bytes after the Certificate");
  const tbs = readTlv(der, certificate.start, certificate.end, SEQUENCE);
  const signatureAlgorithm = readTlv(der, tbs.end, certificate.end, SEQUENCE);
  const signatureValue = readTlv(der, signatureAlgorithm.end, certificate.end, BIT_STRING);
  if (signatureValue.end !== certificate.end) malformed("extra fields in the Certificate");

  let at = tbs.start;
  if (der[at] === VERSION) at = readTlv(der, at, tbs.end, VERSION).end;
  at = readTlv(der, at, tbs.end, INTEGER).end; // serialNumber
  for (let field = 0; field < 4; field++) at = readTlv(der, at, tbs.end, SEQUENCE).end; // signature, issuer, validity, subject
  const spki = readTlv(der, at, tbs.end, SEQUENCE);

  const algorithmIdentifier = readTlv(der, spki.start, spki.end, SEQUENCE);
  const subjectPublicKey = readTlv(der, algorithmIdentifier.end, spki.end, BIT_STRING);
  if (subjectPublicKey.end !== spki.end) malformed("extra fields in SubjectPublicKeyInfo");
  // RSA and EC keys are whole octets: a BIT STRING with unused bits is not one of them.
  if (subjectPublicKey.end === subjectPublicKey.start || der[subjectPublicKey.start] !== 0) malformed("key bits");
  const oid = readTlv(der, algorithmIdentifier.start, algorithmIdentifier.end, OBJECT_IDENTIFIER);
  const algorithm = KEY_ALGORITHMS[hex(der, oid.start, oid.end)];
  const hasParameters = oid.end < algorithmIdentifier.end;
  const parameters = hasParameters ? readTlv(der, oid.end, algorithmIdentifier.end) : null;
  if (parameters && parameters.end !== algorithmIdentifier.end) malformed("extra fields in AlgorithmIdentifier");

  const bytes = der.slice(spki.header, spki.end).buffer;
  if (algorithm === RSA_ENCRYPTION) {
    // RFC 3279 §2.3.1: the parameters are NULL (some encoders leave them out).
    if (parameters && (parameters.tag !== NULL || parameters.end !== parameters.start)) return null;
    return { spki: bytes, algorithm, kind: "RSA" };
  }
  if (algorithm !== EC_PUBLIC_KEY || !parameters || parameters.tag !== OBJECT_IDENTIFIER) return null;
  const curve = hex(der, parameters.start, parameters.end);
  const namedCurve = Object.hasOwn(CURVES, curve) ? CURVES[curve] : undefined;
  return namedCurve ? { spki: bytes, algorithm, kind: "EC", namedCurve } : null;
}

const INTEGER = 0x02;
const BIT_STRING = 0x03;
const NULL = 0x05;
const OBJECT_IDENTIFIER = 0x06;
const SEQUENCE = 0x30;
/** tbsCertificate's `[0] EXPLICIT Version` (constructed, context-specific 0). */
const VERSION = 0xa0;

class MalformedDer extends Error {}

function malformed(reason: string): never {
  throw new MalformedDer(reason);
}

/** One TLV: its tag, where its header starts, where its content starts and ends. */
interface Tlv {
  tag: number;
  header: number;
  start: number;
  end: number;
}

/**
 * Read the TLV at `at`, which must end by `limit`, with the tag `expected` when given.
 * Single-byte tags only (all X.509 needs here); lengths definite and minimal (X.690 §10.1).
 */
function readTlv(der: Uint8Array, at: number, limit: number, expected?: number): Tlv {
  if (at + 2 > limit) malformed("truncated");
  const tag = der[at]!;
  if ((tag & 0x1f) === 0x1f) malformed("multi-byte tag");
  if (expected !== undefined && tag !== expected) malformed(`tag ${tag} where ${expected} was expected`);
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0) malformed("indefinite length");
    if (octets > 3) malformed("length beyond any certificate");
    if (start + octets > limit) malformed("truncated length");
    if (der[start] === 0) malformed("non-minimal length");
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[start + i]!;
    if (length < 0x80) malformed("non-minimal length");
    start += octets;
  }
  const end = start + length;
  if (end > limit) malformed("length beyond its parent");
  return { tag, header: at, start, end };
}

function hex(bytes: Uint8Array, start: number, end: number): string {
  let out = "";
  for (let i = start; i < end; i++) out += bytes[i]!.toString(16).padStart(2, "0");
  return out;
}
