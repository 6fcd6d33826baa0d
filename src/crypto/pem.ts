/** PEM (RFC 7468) over bytes; base64 itself is lib/base64. */
import { encodeBase64 } from "../lib/base64";

/** Canonical PEM (RFC 7468 §2): 64-character base64 lines, LF line endings, final LF. */
export function encodePem(der: Uint8Array, label: string): string {
  const lines = encodeBase64(der).match(/.{1,64}/g) ?? [];
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
