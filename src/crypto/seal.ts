import { decodeBase64, decodeBase64url, encodeBase64url } from "../lib/base64";

/**
 * Sealing of stored secrets (IdP client secrets, SP private keys, LDAP bind passwords,
 * webhook secrets) with AES-256-GCM under SECRETS_KEY (SPEC §1). A sealed value is
 * `v1.<iv>.<ciphertext>` in base64url; opening tries SECRETS_KEY, then
 * SECRETS_KEY_PREVIOUS, so the key can rotate.
 */
export interface SealingKeys {
  SECRETS_KEY: string;
  SECRETS_KEY_PREVIOUS?: string;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

function importKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    const raw = decodeBase64(secret);
    if (raw?.length !== 32) throw new Error("SECRETS_KEY must be 32 bytes, base64-encoded");
    key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    keyCache.set(secret, key);
  }
  return key;
}

export async function seal(keys: SealingKeys, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await importKey(keys.SECRETS_KEY);
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(plaintext));
  return `v1.${encodeBase64url(iv)}.${encodeBase64url(new Uint8Array(ct))}`;
}

export async function unseal(keys: SealingKeys, sealed: string): Promise<string> {
  const [version, iv, ct] = sealed.split(".");
  if (version !== "v1" || !iv || !ct) throw new Error("not a sealed value");
  const candidates = [keys.SECRETS_KEY, keys.SECRETS_KEY_PREVIOUS].filter((k): k is string => !!k);
  for (const secret of candidates) {
    try {
      const key = await importKey(secret);
      const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytesOf(iv) }, key, bytesOf(ct));
      return new TextDecoder().decode(pt);
    } catch {
      // try the next key
    }
  }
  throw new Error("sealed value cannot be opened with SECRETS_KEY or SECRETS_KEY_PREVIOUS");
}

function bytesOf(base64url: string): Uint8Array {
  const bytes = decodeBase64url(base64url);
  if (!bytes) throw new Error("not a sealed value");
  return bytes;
}
