import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { NS } from "./xml.mjs";

/**
 * The independent signer: Debian's xmlsec1 (apt-get install xmlsec1) signs and encrypts
 * files in the IdP's working directory. Async, so a signing never blocks the server.
 */
const execFileAsync = promisify(execFile);

const ID_ATTRS = [
  "--id-attr:ID",
  `${NS.assertion}:Assertion`,
  "--id-attr:ID",
  `${NS.protocol}:Response`,
  "--id-attr:ID",
  `${NS.protocol}:LogoutRequest`,
  "--id-attr:ID",
  `${NS.protocol}:LogoutResponse`,
];
export const ASSERTION_SIGNATURE = "//*[local-name()='Assertion']/*[local-name()='Signature']";
export const RESPONSE_SIGNATURE = "/*[local-name()='Response']/*[local-name()='Signature']";
const ASSERTION = "//*[local-name()='EncryptedAssertion']/*[local-name()='Assertion']";

/** Content encryption algorithms the dev IdP offers (XML Encryption 1.1, 5.2). */
export const CIPHERS = {
  "aes256-cbc": { uri: `${NS.xenc}aes256-cbc`, sessionKey: "aes-256" },
  "aes128-cbc": { uri: `${NS.xenc}aes128-cbc`, sessionKey: "aes-128" },
  "aes128-gcm": { uri: `${NS.xenc11}aes128-gcm`, sessionKey: "aes-128" },
  "aes256-gcm": { uri: `${NS.xenc11}aes256-gcm`, sessionKey: "aes-256" },
};

/**
 * @param {string[]} args
 * @returns {Promise<void>}
 */
async function xmlsec1(args) {
  try {
    await execFileAsync("xmlsec1", args);
  } catch (error) {
    const e = /** @type {{stderr?: string, code?: string}} */ (error);
    const hint = e.code === "ENOENT" ? " (install it: apt-get install -y xmlsec1)" : "";
    throw new Error(`xmlsec1 ${args[0]} failed${hint}: ${e.stderr ?? String(error)}`);
  }
}

/**
 * Run `steps` over `xml` in a scratch file and return the result.
 * @param {string} dir
 * @param {string} xml
 * @param {Array<(file: string) => Promise<void>>} steps
 * @returns {Promise<string>}
 */
export async function processXml(dir, xml, steps) {
  const file = join(dir, `work-${randomBytes(8).toString("hex")}.xml`);
  await writeFile(file, xml);
  try {
    for (const step of steps) await step(file);
    return await readFile(file, "utf8");
  } finally {
    await rm(file, { force: true });
    await rm(`${file}.enc.xml`, { force: true });
    await rm(`${file}.crt`, { force: true });
  }
}

/**
 * Sign the Signature template at `xpath` in place.
 * @param {{keyPath: string, certPath: string}} key
 * @param {string} xpath
 * @returns {(file: string) => Promise<void>}
 */
export function signStep(key, xpath) {
  return (file) =>
    xmlsec1([
      "--sign",
      ...ID_ATTRS,
      "--privkey-pem",
      `${key.keyPath},${key.certPath}`,
      "--node-xpath",
      xpath,
      "--output",
      file,
      file,
    ]);
}

/**
 * Encrypt the Assertion inside EncryptedAssertion for the SP's certificate (SAML core 2.3.4):
 * EncryptedData of Type Element, the session key carried by RSA-OAEP (rsa-oaep-mgf1p, SHA-1
 * digest: xmlsec1 1.2 has no xmlenc11#rsa-oaep).
 * @param {string} certificatePem
 * @param {keyof typeof CIPHERS} cipher
 * @returns {(file: string) => Promise<void>}
 */
export function encryptStep(certificatePem, cipher) {
  const { uri, sessionKey } = CIPHERS[cipher];
  return async (file) => {
    const template = `${file}.enc.xml`;
    const cert = `${file}.crt`;
    await writeFile(cert, certificatePem);
    await writeFile(
      template,
      `<xenc:EncryptedData xmlns:xenc="${NS.xenc}" xmlns:ds="${NS.dsig}" Type="${NS.xenc}Element">` +
        `<xenc:EncryptionMethod Algorithm="${uri}"/><ds:KeyInfo><xenc:EncryptedKey>` +
        `<xenc:EncryptionMethod Algorithm="${NS.xenc}rsa-oaep-mgf1p"><ds:DigestMethod Algorithm="${NS.dsig}sha1"/></xenc:EncryptionMethod>` +
        `<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
        `<xenc:CipherData><xenc:CipherValue/></xenc:CipherData></xenc:EncryptedData>`,
    );
    await xmlsec1([
      "--encrypt",
      "--pubkey-cert-pem",
      cert,
      "--session-key",
      sessionKey,
      "--xml-data",
      file,
      "--node-xpath",
      ASSERTION,
      "--output",
      file,
      template,
    ]);
  };
}

/**
 * Verify the enveloped signature of a SAML protocol message (the SP's LogoutRequest or
 * LogoutResponse) with the SP's certificate only — the message's own KeyInfo is not trusted.
 * @param {string} dir
 * @param {string} xml
 * @param {string} certificatePem
 * @returns {Promise<boolean>}
 */
export async function verifiesWith(dir, xml, certificatePem) {
  const file = join(dir, `verify-${randomBytes(8).toString("hex")}.xml`);
  const cert = `${file}.crt`;
  await writeFile(file, xml);
  await writeFile(cert, certificatePem);
  try {
    await xmlsec1(["--verify", ...ID_ATTRS, "--enabled-key-data", "x509", "--pubkey-cert-pem", cert, file]);
    return true;
  } catch (error) {
    if (String(error).includes("install it")) throw error;
    return false;
  } finally {
    await rm(file, { force: true });
    await rm(cert, { force: true });
  }
}
