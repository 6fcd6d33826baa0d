import { decodeBase64 } from "./base64";

const cache = new Map<string, Promise<CryptoKey>>();
const MAX_CACHED = 256;

/**
 * The SP's RSA signing key (PKCS#8 PEM, "BEGIN PRIVATE KEY") for RSASSA-PKCS1-v1_5 with
 * SHA-256, imported once per isolate.
 */
export function importSigningKey(pem: string): Promise<CryptoKey> {
  const cached = cache.get(pem);
  if (cached) return cached;
  const body = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(pem);
  const der = decodeBase64(body ? body[1]! : pem);
  if (!der) return Promise.reject(new TypeError("the signing key is not a PKCS#8 PEM"));
  const pending = crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
    "sign",
  ]);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(pem, pending);
  pending.catch(() => cache.delete(pem));
  return pending;
}
