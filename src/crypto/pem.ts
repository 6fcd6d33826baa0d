/** Base64 and PEM helpers over bytes, runtime-neutral (atob/btoa only). */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Encodes bytes as standard base64 with padding. */
export function base64Encode(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Decodes base64 after removing ASCII whitespace (line wraps are common in metadata and
 * pasted PEM); returns undefined when the text is not base64.
 */
export function base64Decode(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\t\n\f\r ]+/g, "");
  if (compact.length === 0 || compact.length % 4 === 1 || !BASE64.test(compact)) return undefined;
  const padded = compact.padEnd(compact.length + ((4 - (compact.length % 4)) % 4), "=");
  if (!BASE64.test(padded)) return undefined;
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/** Canonical PEM (RFC 7468 §2): 64-character base64 lines, LF line endings, final LF. */
export function encodePem(der: Uint8Array, label: string): string {
  const lines = base64Encode(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** One PEM block found in text: its label and the base64 between the boundaries. */
export interface PemBlock {
  label: string;
  body: string;
}

/** Every `-----BEGIN X-----...-----END X-----` block in text, in order, whatever the line endings. */
export function findPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const match of text.matchAll(re)) {
    blocks.push({ label: match[1] ?? "", body: match[2] ?? "" });
  }
  return blocks;
}
