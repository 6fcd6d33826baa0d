import type { SignatureAlgorithm } from "./algorithms";
import { certificatePublicKey, readCertificate, type CertificateDer } from "./certificate";

/**
 * Keys of the configured IdP certificates, imported once per isolate (issue 3: the
 * crypto is ~20 µs, importing a key on every request is not). Bounded so a worker
 * serving many connections does not grow without limit.
 */
const MAX_CACHED = 512;
const readCache = new Map<string, CertificateDer | null>();
const keyCache = new Map<string, Promise<CryptoKey | null>>();

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= MAX_CACHED) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, value);
  return value;
}

/** The configured certificates that parse, in configuration order. */
export function trustedCertificates(configured: readonly string[]): CertificateDer[] {
  const out: CertificateDer[] = [];
  for (const input of configured) {
    const cached = readCache.get(input);
    const cert = cached !== undefined ? cached : remember(readCache, input, readCertificate(input));
    if (cert) out.push(cert);
  }
  return out;
}

/**
 * The verification key of a configured certificate for `algorithm`, `null` when its key
 * type does not fit the algorithm (an RSA certificate with ECDSA): that certificate cannot
 * have made this signature. Keyed by the certificate's DER and the algorithm, since
 * WebCrypto binds RSA keys to one hash.
 */
export function verificationKey(cert: CertificateDer, algorithm: SignatureAlgorithm): Promise<CryptoKey | null> {
  const cacheKey = `${algorithm.kind}/${algorithm.hash}/${cert.base64}`;
  return keyCache.get(cacheKey) ?? remember(keyCache, cacheKey, importKey(cert, algorithm));
}

async function importKey(cert: CertificateDer, algorithm: SignatureAlgorithm): Promise<CryptoKey | null> {
  const publicKey = certificatePublicKey(cert.der);
  if (!publicKey) return null;
  try {
    if (algorithm.kind === "RSASSA-PKCS1-v1_5" && publicKey.kind === "RSA") {
      const params = { name: "RSASSA-PKCS1-v1_5", hash: algorithm.hash };
      return await crypto.subtle.importKey("spki", publicKey.spki, params, false, ["verify"]);
    }
    if (algorithm.kind === "ECDSA" && publicKey.kind === "EC") {
      const params = { name: "ECDSA", namedCurve: publicKey.namedCurve! };
      return await crypto.subtle.importKey("spki", publicKey.spki, params, false, ["verify"]);
    }
  } catch {
    return null;
  }
  return null;
}
