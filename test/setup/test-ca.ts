import { x509 } from "../../src/crypto/x509";

/** A certificate authority made for one test run, and a server certificate it issued. */
export interface TestTlsMaterial {
  /** The CA's certificate (PEM): the trust anchor a client must be given. */
  caPem: string;
  /** The server's certificate (PEM), issued by the CA. */
  certificatePem: string;
  /** The server's private key (PKCS#8 PEM). */
  keyPem: string;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const HOUR_MS = 3_600_000;

/**
 * A fresh self-signed CA named `caName` and a server certificate for `subjectAltNames`
 * (each an IP literal or a DNS name), valid from an hour ago for two days. Every run makes
 * its own, so no private key is ever checked in.
 */
export async function makeTestTls(caName: string, subjectAltNames: string[]): Promise<TestTlsMaterial> {
  const notBefore = new Date(Date.now() - HOUR_MS);
  const notAfter = new Date(Date.now() + 48 * HOUR_MS);
  const caKeys = await generateKeys();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${caName}`,
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serverKeys = await generateKeys();
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${subjectAltNames[0]}`,
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingKey: caKeys.privateKey,
    publicKey: serverKeys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        subjectAltNames.map((name) => ({
          type: /^[\d.]+$/.test(name) ? ("ip" as const) : ("dns" as const),
          value: name,
        })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const pkcs8 = (await crypto.subtle.exportKey("pkcs8", serverKeys.privateKey)) as ArrayBuffer;
  return {
    caPem: ca.toString("pem"),
    certificatePem: server.toString("pem"),
    keyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY"),
  };
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString("hex");
}
