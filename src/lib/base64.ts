/**
 * Base64 (RFC 4648 §4) and base64url (§5) for everything but SAML messages, whose strict
 * decoder lives in `saml/base64.ts` (SPEC §5 "input"). Encoding uses Buffer when the runtime
 * has it (Node, workerd with nodejs_compat) because `btoa` is several times slower in workerd.
 */
interface BufferLike {
  from(input: Uint8Array): { toString(encoding: "base64" | "base64url"): string };
}

const nodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;
const WHITESPACE = /[\t\n\f\r ]+/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Standard base64 with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  if (nodeBuffer) return nodeBuffer.from(bytes).toString("base64");
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** base64url without padding (RFC 4648 §5; JWS, PKCE and our tokens use it). */
export function encodeBase64url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes standard base64 after removing ASCII whitespace (line wraps are common in
 * metadata, pasted PEM and secrets); the padding may be left out. `null` when the text is
 * empty or not base64.
 */
export function decodeBase64(text: string): Uint8Array | null {
  const compact = text.replace(WHITESPACE, "");
  if (compact.length === 0 || compact.length % 4 === 1 || !BASE64.test(compact)) return null;
  const padded = compact.padEnd(compact.length + ((4 - (compact.length % 4)) % 4), "=");
  if (!BASE64.test(padded)) return null;
  return binaryToBytes(atob(padded));
}

/** Decodes base64url (padding optional, no whitespace); `null` when it is not base64url. */
export function decodeBase64url(text: string): Uint8Array | null {
  const compact = text.replace(/=+$/, "");
  if (compact.length === 0) return new Uint8Array();
  if (compact.length % 4 === 1 || !BASE64URL.test(compact)) return null;
  return decodeBase64(compact.replace(/-/g, "+").replace(/_/g, "/"));
}

function binaryToBytes(binary: string): Uint8Array {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
