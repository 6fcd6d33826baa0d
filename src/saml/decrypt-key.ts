import type { Element } from "@xmldom/xmldom";
import { oaepDigest, type HashName } from "./algorithms";
import { decodeBase64 } from "./base64";
import { attr, childrenNamed, optionalChild, strictText } from "./dom";
import { NS } from "./namespaces";
import { fail } from "./saml-error";

const RSA_OAEP_MGF1P = `${NS.xenc}rsa-oaep-mgf1p`;
const RSA_OAEP_11 = `${NS.xenc11}rsa-oaep`;
const MGF1: Record<string, HashName> = {
  [`${NS.xenc11}mgf1sha1`]: "SHA-1",
  [`${NS.xenc11}mgf1sha256`]: "SHA-256",
  [`${NS.xenc11}mgf1sha384`]: "SHA-384",
  [`${NS.xenc11}mgf1sha512`]: "SHA-512",
};

/** How an EncryptedKey was wrapped: RSA-OAEP with one hash for both OAEP and MGF1. */
interface KeyTransport {
  hash: HashName;
  label: Uint8Array | undefined;
}

/**
 * Read an EncryptedKey's EncryptionMethod. Only RSA-OAEP: `rsa-oaep-mgf1p` (MGF1 is
 * always SHA-1 there) or `xmlenc11#rsa-oaep` whose digest and MGF1 hash agree. WebCrypto
 * uses one hash for both, so a mixed pair is `unsupported_algorithm` (SPEC §5). RSA
 * PKCS#1 v1.5 key transport is refused: it is the Bleichenbacher oracle.
 */
export function keyTransport(encryptedKey: Element): KeyTransport {
  const method = optionalChild(encryptedKey, NS.xenc, "EncryptionMethod", "malformed_xml");
  const uri = method ? attr(method, "Algorithm") : null;
  if (!method || (uri !== RSA_OAEP_MGF1P && uri !== RSA_OAEP_11)) {
    return fail("unsupported_algorithm", `key transport ${uri ?? "(none)"}`);
  }
  const digestElement = optionalChild(method, NS.dsig, "DigestMethod");
  const hash = oaepDigest(digestElement ? attr(digestElement, "Algorithm") : null);
  if (!hash) fail("unsupported_algorithm", "RSA-OAEP digest");
  const mgfElement = optionalChild(method, NS.xenc11, "MGF");
  const mgfUri = mgfElement ? (attr(mgfElement, "Algorithm") ?? "") : `${NS.xenc11}mgf1sha1`;
  const mgf = uri === RSA_OAEP_MGF1P ? "SHA-1" : Object.hasOwn(MGF1, mgfUri) ? MGF1[mgfUri] : undefined;
  if (mgf !== hash) fail("unsupported_algorithm", `RSA-OAEP digest ${hash} with MGF1 ${mgf ?? mgfUri}`);
  const params = optionalChild(method, NS.xenc, "OAEPparams");
  const label = params ? (decodeBase64(strictText(params)) ?? fail("decryption_failed", "OAEPparams")) : undefined;
  return { hash, label };
}

const MAX_CACHED = 256;
const keyCache = new Map<string, Promise<CryptoKey | null>>();

/** The SP decryption key (PKCS#8 PEM) for an OAEP hash, imported once per isolate. */
function decryptionKey(pem: string, hash: HashName): Promise<CryptoKey | null> {
  const cacheKey = `${hash}\n${pem}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  if (keyCache.size >= MAX_CACHED) keyCache.delete(keyCache.keys().next().value!);
  const pending = importPkcs8(pem, hash);
  keyCache.set(cacheKey, pending);
  return pending;
}

async function importPkcs8(pem: string, hash: HashName): Promise<CryptoKey | null> {
  const body = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(pem);
  const der = decodeBase64(body ? body[1]! : pem);
  if (!der) return null;
  try {
    return await crypto.subtle.importKey("pkcs8", der, { name: "RSA-OAEP", hash }, false, ["decrypt"]);
  } catch {
    return null;
  }
}

/**
 * Unwrap the content-encryption key of `encryptedKey` with the first SP key that
 * works (several are configured during rotation). Every failure is `decryption_failed`.
 */
export async function unwrapKey(encryptedKey: Element, spKeys: readonly string[]): Promise<Uint8Array> {
  const transport = keyTransport(encryptedKey);
  const cipherData = childrenNamed(encryptedKey, NS.xenc, "CipherData")[0];
  const cipherValue = cipherData ? childrenNamed(cipherData, NS.xenc, "CipherValue")[0] : undefined;
  const wrapped = cipherValue ? decodeBase64(strictText(cipherValue)) : null;
  if (!wrapped) fail("decryption_failed", "EncryptedKey has no CipherValue");
  const params = transport.label ? { name: "RSA-OAEP", label: transport.label } : { name: "RSA-OAEP" };
  for (const pem of spKeys) {
    const key = await decryptionKey(pem, transport.hash);
    if (!key) continue;
    try {
      return new Uint8Array(await crypto.subtle.decrypt(params, key, wrapped));
    } catch {
      // The next configured key may be the one (rotation).
    }
  }
  return fail("decryption_failed", "no SP key unwraps the EncryptedKey");
}
