import type { Element } from "@xmldom/xmldom";
import { decodeBase64 } from "./base64";
import { decodeXmlBytes } from "./decode-saml-message";
import { attr, childrenNamed, descendantsNamed, optionalChild, strictText } from "./dom";
import { unwrapKey } from "./decrypt-key";
import { NS } from "./namespaces";
import { fail, SamlError } from "./saml-error";

interface ContentCipher {
  name: "AES-CBC" | "AES-GCM";
  keyBytes: 16 | 32;
}

/** AES-GCM, or AES-CBC only because ADFS and Okta still send it (issue 3). */
const CONTENT_CIPHERS: Record<string, ContentCipher> = {
  [`${NS.xenc}aes128-cbc`]: { name: "AES-CBC", keyBytes: 16 },
  [`${NS.xenc}aes256-cbc`]: { name: "AES-CBC", keyBytes: 32 },
  [`${NS.xenc11}aes128-gcm`]: { name: "AES-GCM", keyBytes: 16 },
  [`${NS.xenc11}aes256-gcm`]: { name: "AES-GCM", keyBytes: 32 },
};

/** At most this many EncryptedKey candidates are tried (one per recipient in practice). */
const MAX_ENCRYPTED_KEYS = 4;

/**
 * Decrypt an EncryptedAssertion or EncryptedID (XML-Enc 1.1 §4.2) to the bytes of its
 * plaintext element, then apply the input rules to them again (SPEC §5). Algorithms we
 * refuse are `unsupported_algorithm`; every other failure, down to the plaintext's
 * encoding, is the one code `decryption_failed`, so the outcome is not a padding oracle.
 */
export async function decryptElement(encrypted: Element, spKeys: readonly string[]): Promise<string> {
  const data = childrenNamed(encrypted, NS.xenc, "EncryptedData");
  if (data.length !== 1) fail("decryption_failed", `${data.length} EncryptedData in ${encrypted.localName}`);
  const encryptedData = data[0]!;
  const method = optionalChild(encryptedData, NS.xenc, "EncryptionMethod", "malformed_xml");
  const uri = method ? (attr(method, "Algorithm") ?? "") : "";
  const cipher = Object.hasOwn(CONTENT_CIPHERS, uri) ? CONTENT_CIPHERS[uri]! : undefined;
  if (!cipher) fail("unsupported_algorithm", `content encryption ${uri || "(none)"}`);
  if (spKeys.length === 0) fail("decryption_failed", "the connection has no SP decryption key");
  const keys = encryptedKeys(encrypted, encryptedData);
  const cipherData = childrenNamed(encryptedData, NS.xenc, "CipherData")[0];
  const valueElement = cipherData ? childrenNamed(cipherData, NS.xenc, "CipherValue")[0] : undefined;
  const ciphertext = valueElement ? decodeBase64(strictText(valueElement)) : null;
  if (!ciphertext) fail("decryption_failed", "EncryptedData has no CipherValue");
  for (const encryptedKey of keys) {
    let plaintext: Uint8Array;
    try {
      const keyBytes = await unwrapKey(encryptedKey, spKeys);
      plaintext = await decryptContent(cipher, keyBytes, ciphertext);
    } catch (error) {
      if (error instanceof SamlError && error.code === "unsupported_algorithm") throw error;
      continue;
    }
    return plaintextXml(plaintext);
  }
  return fail("decryption_failed", "no EncryptedKey could be unwrapped and used");
}

/** EncryptedKey inside EncryptedData's KeyInfo, else siblings of EncryptedData (Okta, ADFS). */
function encryptedKeys(encrypted: Element, encryptedData: Element): Element[] {
  const keyInfo = optionalChild(encryptedData, NS.dsig, "KeyInfo");
  const inline = keyInfo ? descendantsNamed(keyInfo, NS.xenc, "EncryptedKey") : [];
  const keys = [...inline, ...childrenNamed(encrypted, NS.xenc, "EncryptedKey")];
  if (keys.length === 0) fail("decryption_failed", "no EncryptedKey");
  if (keys.length > MAX_ENCRYPTED_KEYS) fail("decryption_failed", `${keys.length} EncryptedKey elements`);
  return keys;
}

async function decryptContent(cipher: ContentCipher, keyBytes: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  if (keyBytes.length !== cipher.keyBytes) fail("decryption_failed", "content key has the wrong length");
  if (cipher.name === "AES-GCM") {
    if (data.length < 12 + 16) fail("decryption_failed", "GCM ciphertext too short");
    const key = await crypto.subtle.importKey("raw", keyBytes, "AES-GCM", false, ["decrypt"]);
    const iv = data.subarray(0, 12);
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, tagLength: 128 }, key, data.subarray(12)));
  }
  return decryptAesCbc(keyBytes, data);
}

/**
 * AES-CBC with XML-Enc padding (XML-Enc 1.1 §5.2.1: only the last byte, the pad length,
 * is defined; xmlsec1 writes random bytes before it). WebCrypto insists on PKCS#7, so we
 * append one block that decrypts to a full PKCS#7 pad — E_k(0x10…10 XOR C_last), made by
 * encrypting that block with C_last as IV — let WebCrypto strip it, then strip the
 * XML-Enc padding by its last byte (SPEC §5).
 */
async function decryptAesCbc(keyBytes: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const body = data.subarray(16);
  if (data.length < 32 || body.length % 16 !== 0) fail("decryption_failed", "CBC ciphertext length");
  const key = await crypto.subtle.importKey("raw", keyBytes, "AES-CBC", false, ["encrypt", "decrypt"]);
  const lastBlock = body.subarray(body.length - 16);
  const pad = new Uint8Array(16).fill(16);
  const bridge = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv: lastBlock }, key, pad));
  const extended = new Uint8Array(body.length + 16);
  extended.set(body);
  extended.set(bridge.subarray(0, 16), body.length);
  const padded = new Uint8Array(
    await crypto.subtle.decrypt({ name: "AES-CBC", iv: data.subarray(0, 16) }, key, extended),
  );
  const padLength = padded[padded.length - 1]!;
  if (padLength < 1 || padLength > 16 || padLength > padded.length) fail("decryption_failed", "CBC padding");
  return padded.subarray(0, padded.length - padLength);
}

function plaintextXml(bytes: Uint8Array): string {
  try {
    return decodeXmlBytes(bytes);
  } catch (error) {
    return fail("decryption_failed", `plaintext: ${(error as Error).message}`);
  }
}
