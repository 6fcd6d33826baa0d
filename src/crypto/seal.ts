import { base64url } from "../lib/ids";

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
    const raw = Uint8Array.from(atob(secret.trim()), (c) => c.charCodeAt(0));
    if (raw.length !== 32) throw new Error("SECRETS_KEY must be 32 bytes, base64-encoded");
    key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    keyCache.set(secret, key);
  }
  return key;
}

export async function seal(keys: SealingKeys, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await importKey(keys.SECRETS_KEY);
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(plaintext));
  return `v1.${base64url(iv)}.${base64url(new Uint8Array(ct))}`;
}

export async function unseal(keys: SealingKeys, sealed: string): Promise<string> {
  const [version, iv, ct] = sealed.split(".");
  if (version !== "v1" || !iv || !ct) throw new Error("not a sealed value");
  const candidates = [keys.SECRETS_KEY, keys.SECRETS_KEY_PREVIOUS].filter((k): k is string => !!k);
  for (const secret of candidates) {
    try {
      const key = await importKey(secret);
      const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64url(iv) }, key, fromBase64url(ct));
      return new TextDecoder().decode(pt);
    } catch {
      // try the next key
    }
  }
  throw new Error("sealed value cannot be opened with SECRETS_KEY or SECRETS_KEY_PREVIOUS");
}

function fromBase64url(value: string): Uint8Array {
  const b64 = value.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}
