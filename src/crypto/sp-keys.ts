/**
 * SP key pairs for SAML connections (SPEC §2: generated at creation, or uploaded). One
 * RSA key serves both purposes: it is imported as RSASSA-PKCS1-v1_5 to sign AuthnRequests
 * and LogoutRequests, and as RSA-OAEP to decrypt assertions; PKCS#8 carries no algorithm
 * restriction beyond rsaEncryption, so both imports accept it.
 */
import { decodeBase64 } from "../lib/base64";
import { encodePem, findPemBlocks } from "./pem";
import { normalizeCertificate } from "../saml/metadata/normalize-certificate";
import { x509 } from "./x509";

/** A generated SP key pair; the private key is write-only once stored (SPEC §2). */
export interface SpKeyPair {
  /** PKCS#8 `PRIVATE KEY` PEM. */
  privateKeyPem: string;
  /** Self-signed X.509 certificate PEM for the SP metadata. */
  certificatePem: string;
}

/** Options of {@link generateSpKeyPair}. */
export interface GenerateSpKeyPairOptions {
  /** Subject and issuer CN, e.g. the SP entity ID's host. */
  commonName: string;
  /** Validity in days; default ten calendar years (SP certificates are pinned, not path-validated). */
  days?: number;
  /** Start of validity; default the current time. */
  now?: Date;
}

/** Result of {@link validateKeyPair}. */
export type KeyPairCheck = { ok: true } | { ok: false; reason: string };

const SIGNING = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
const DECRYPTION = { name: "RSA-OAEP", hash: "SHA-256" };
const MIN_MODULUS_BITS = 2048;
const DAY_MS = 86_400_000;

/** Generates an RSA-2048 key pair and a self-signed SHA-256 certificate for it. */
export async function generateSpKeyPair(options: GenerateSpKeyPairOptions): Promise<SpKeyPair> {
  const notBefore = new Date(options.now ?? Date.now());
  const notAfter = new Date(notBefore);
  if (options.days === undefined) {
    notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 10);
  } else if (Number.isInteger(options.days) && options.days >= 1) {
    notAfter.setTime(notBefore.getTime() + options.days * DAY_MS);
  } else {
    throw new RangeError("days must be a positive integer");
  }
  const keys = (await crypto.subtle.generateKey(
    { ...SIGNING, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name: `CN=${escapeDnValue(options.commonName)}`,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    ],
  });
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", keys.privateKey)) as ArrayBuffer);
  return {
    privateKeyPem: encodePem(pkcs8, "PRIVATE KEY"),
    certificatePem: encodePem(new Uint8Array(certificate.rawData), "CERTIFICATE"),
  };
}

/**
 * Checks that an uploaded private key (PKCS#8 PEM) and certificate belong together and
 * are usable for both signing and decryption: an RSA key of at least 2048 bits whose
 * signature over a test message verifies under the certificate's public key.
 */
export async function validateKeyPair(privateKeyPem: string, certificatePem: string): Promise<KeyPairCheck> {
  const pkcs8 = readPkcs8(privateKeyPem);
  if (typeof pkcs8 === "string") return { ok: false, reason: pkcs8 };
  const certificate = normalizeCertificate(certificatePem);
  if (!certificate.ok) return { ok: false, reason: `certificate: ${certificate.reason}` };

  let signingKey: CryptoKey;
  try {
    signingKey = await crypto.subtle.importKey("pkcs8", pkcs8, SIGNING, false, ["sign"]);
    await crypto.subtle.importKey("pkcs8", pkcs8, DECRYPTION, false, ["decrypt"]);
  } catch {
    return { ok: false, reason: "private key is not an RSA PKCS#8 key" };
  }
  const bits = (signingKey.algorithm as { modulusLength?: number }).modulusLength ?? 0;
  if (bits < MIN_MODULUS_BITS)
    return { ok: false, reason: `RSA key is ${bits} bits; at least ${MIN_MODULUS_BITS} are required` };

  let verifyKey: CryptoKey;
  try {
    const spki = new x509.X509Certificate(certificate.der).publicKey.rawData;
    verifyKey = await crypto.subtle.importKey("spki", spki, SIGNING, false, ["verify"]);
  } catch {
    return { ok: false, reason: "certificate does not hold an RSA public key" };
  }
  const message = crypto.getRandomValues(new Uint8Array(32));
  const signature = await crypto.subtle.sign(SIGNING, signingKey, message);
  const matches = await crypto.subtle.verify(SIGNING, verifyKey, signature, message);
  return matches ? { ok: true } : { ok: false, reason: "private key does not match the certificate's public key" };
}

function readPkcs8(pem: string): Uint8Array | string {
  if (typeof pem !== "string") return "private key must be a string";
  const blocks = findPemBlocks(pem.replace(/\\r\\n|\\n|\\r/g, "\n"));
  if (blocks.length !== 1 || !blocks[0]) return "private key must be exactly one PEM block";
  const { label, body } = blocks[0];
  if (label === "RSA PRIVATE KEY") {
    return "private key is PKCS#1 (RSA PRIVATE KEY); convert it with `openssl pkcs8 -topk8 -nocrypt`";
  }
  if (label === "ENCRYPTED PRIVATE KEY") return "private key is encrypted; upload it without a passphrase";
  if (label !== "PRIVATE KEY") return `private key PEM must be PRIVATE KEY (PKCS#8), not ${label}`;
  const der = decodeBase64(body);
  return der ?? "private key PEM body is not base64";
}

/**
 * RFC 4514 §2.4 escaping for an attribute value. The library's JSON name form is not an
 * alternative: it mis-parses values holding quotes.
 */
function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, "\\ ");
}

/** RFC 5280 §4.1.2.2: positive, at most 20 octets; 16 random bytes with the top bit clear. */
function randomSerialHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
