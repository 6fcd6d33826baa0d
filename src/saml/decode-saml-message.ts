import { decodeBase64, decodeUtf8Strict } from "./base64";
import { fail } from "./saml-error";

/** Input limits of SPEC §5. */
export const SAML_LIMITS = {
  /** Most bytes of XML a message (or a decrypted part) may hold. */
  maxXmlBytes: 256 * 1024,
  /** Deepest element nesting. */
  maxDepth: 64,
  /** Most elements in one document. */
  maxElements: 5000,
  /** Most attributes (namespace declarations included) on one element. */
  maxAttributesPerElement: 64,
  /** Most prefixes an exc-c14n InclusiveNamespaces PrefixList may name. */
  maxInclusivePrefixes: 32,
} as const;

/** Base64 of the largest XML, plus generous room for the line breaks IdPs insert. */
const MAX_ENCODED_CHARS = Math.ceil((SAML_LIMITS.maxXmlBytes * 4) / 3) * 2;

/**
 * Turn the `SAMLResponse` form value into XML text (SPEC §5 "input"): bounded length,
 * strict base64, at most 256 KiB, strict UTF-8. Throws SamlError `too_large` or
 * `bad_encoding`.
 */
export function decodeSamlMessage(encoded: string): string {
  if (encoded.length > MAX_ENCODED_CHARS) {
    fail("too_large", `${encoded.length} base64 characters`);
  }
  const bytes = decodeBase64(encoded);
  if (!bytes) fail("bad_encoding", "not strict base64");
  return decodeXmlBytes(bytes);
}

/** Bytes of XML to text: at most 256 KiB, strict UTF-8, only XML characters. */
export function decodeXmlBytes(bytes: Uint8Array): string {
  if (bytes.byteLength > SAML_LIMITS.maxXmlBytes) {
    fail("too_large", `${bytes.byteLength} bytes of XML`);
  }
  const xml = decodeUtf8Strict(bytes);
  if (xml === null) fail("bad_encoding", "not strict UTF-8 XML text");
  return xml;
}
