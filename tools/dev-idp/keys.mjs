import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/**
 * @typedef {object} KeyPair
 * @property {string} keyPath PKCS#8 PEM private key file
 * @property {string} certPath PEM certificate file
 * @property {string} certificatePem the certificate's PEM text
 */

/**
 * Generate an RSA-2048 key and a self-signed certificate (10 years) with openssl.
 * @param {string} dir where the two files go
 * @param {string} name file stem, also the certificate's CN
 * @returns {Promise<KeyPair>}
 */
export async function generateKeyPair(dir, name) {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  await execFileAsync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "3650",
    "-subj",
    `/CN=${name}.dev-idp.edge-sso.test`,
    "-keyout",
    keyPath,
    "-out",
    certPath,
  ]);
  return { keyPath, certPath, certificatePem: await readFile(certPath, "utf8") };
}

/**
 * Use an existing key and certificate.
 * @param {string} keyPath
 * @param {string} certPath
 * @returns {Promise<KeyPair>}
 */
export async function loadKeyPair(keyPath, certPath) {
  return { keyPath, certPath, certificatePem: await readFile(certPath, "utf8") };
}
