import { beforeAll, describe, expect, it } from "vitest";
import { generateSpKeyPair, validateKeyPair, type SpKeyPair } from "../../../src/crypto/sp-keys";
import { certificateInfo, normalizeCertificate } from "../../../src/saml/metadata/normalize-certificate";
import { x509 } from "../../../src/crypto/x509";

function pkcs8Der(pem: string): Uint8Array {
  const body = pem.replace(/-----[A-Z ]+-----|\s/g, "");
  return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
}

let pair: SpKeyPair;
let other: SpKeyPair;
const NOW = new Date("2026-01-02T03:04:05Z");
const TRICKY_CN = `# sso.test, "edge" + <x>; a=b\\ `;

beforeAll(async () => {
  [pair, other] = await Promise.all([
    generateSpKeyPair({ commonName: TRICKY_CN, now: NOW }),
    generateSpKeyPair({ commonName: "other", days: 30 }),
  ]);
});

describe("generateSpKeyPair", () => {
  it("returns PKCS#8 and a canonical self-signed certificate valid ten years", async () => {
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    const normalized = normalizeCertificate(pair.certificatePem);
    expect(normalized).toMatchObject({ ok: true, pem: pair.certificatePem });
    const info = await certificateInfo(pair.certificatePem);
    expect(new x509.X509Certificate(pair.certificatePem).subjectName.getField("CN")).toEqual([TRICKY_CN]);
    expect(info.subject.startsWith("CN=")).toBe(true);
    expect(info.notBefore.toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect(info.notAfter.toISOString()).toBe("2036-01-02T03:04:05.000Z");
    expect(info.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("honours days", async () => {
    const info = await certificateInfo(other.certificatePem);
    expect(info.notAfter.getTime() - info.notBefore.getTime()).toBe(30 * 86_400_000);
  });

  it("generates a fresh key every time", () => {
    expect(pair.privateKeyPem).not.toBe(other.privateKeyPem);
  });

  it("rejects a non-positive validity", async () => {
    await expect(generateSpKeyPair({ commonName: "x", days: 0 })).rejects.toThrow(RangeError);
  });

  it("gives a private key usable for RSA-SHA256 signing and RSA-OAEP decryption", async () => {
    const der = pkcs8Der(pair.privateKeyPem);
    const signing = await crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
      "sign",
    ]);
    const decrypting = await crypto.subtle.importKey("pkcs8", der, { name: "RSA-OAEP", hash: "SHA-256" }, false, [
      "decrypt",
    ]);
    expect((signing.algorithm as { modulusLength?: number }).modulusLength).toBe(2048);

    const normalized = normalizeCertificate(pair.certificatePem);
    if (!normalized.ok) throw new Error(normalized.reason);
    const spki = new x509.X509Certificate(normalized.der).publicKey.rawData;
    const verifying = await crypto.subtle.importKey(
      "spki",
      spki,
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["verify"],
    );
    const encrypting = await crypto.subtle.importKey("spki", spki, { name: "RSA-OAEP", hash: "SHA-256" }, false, [
      "encrypt",
    ]);

    const message = new TextEncoder().encode("<samlp:AuthnRequest/>");
    const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", signing, message);
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", verifying, signature, message)).toBe(true);

    // An XML-Enc key transport: the IdP wraps a content key with the certificate's public key.
    const contentKey = crypto.getRandomValues(new Uint8Array(32));
    const wrapped = await crypto.subtle.encrypt({ name: "RSA-OAEP" }, encrypting, contentKey);
    const unwrapped = new Uint8Array(await crypto.subtle.decrypt({ name: "RSA-OAEP" }, decrypting, wrapped));
    expect(unwrapped).toEqual(contentKey);
  });
});

describe("validateKeyPair", () => {
  it("accepts a matching pair", async () => {
    expect(await validateKeyPair(pair.privateKeyPem, pair.certificatePem)).toEqual({ ok: true });
  });

  it("accepts CRLF PEM and a certificate in another accepted form", async () => {
    const bareBase64 = pair.certificatePem.replace(/-----[A-Z ]+-----|\s/g, "");
    expect(await validateKeyPair(pair.privateKeyPem.replace(/\n/g, "\r\n"), bareBase64)).toEqual({ ok: true });
  });

  it.each([
    ["a key from another pair", () => [other.privateKeyPem, pair.certificatePem], /does not match/],
    [
      "a PKCS#1 label",
      () => [pair.privateKeyPem.replace(/PRIVATE KEY/g, "RSA PRIVATE KEY"), pair.certificatePem],
      /PKCS#1/,
    ],
    [
      "an encrypted key",
      () => [pair.privateKeyPem.replace(/PRIVATE KEY/g, "ENCRYPTED PRIVATE KEY"), pair.certificatePem],
      /encrypted/,
    ],
    ["a certificate instead of a key", () => [pair.certificatePem, pair.certificatePem], /must be PRIVATE KEY/],
    ["no PEM", () => ["garbage", pair.certificatePem], /exactly one PEM block/],
    [
      "a corrupt key",
      () => ["-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", pair.certificatePem],
      /not an RSA PKCS#8 key/,
    ],
    ["a bad certificate", () => [pair.privateKeyPem, "nope"], /^certificate: /],
    ["a private key as the certificate", () => [pair.privateKeyPem, pair.privateKeyPem], /^certificate: /],
  ])("refuses %s", async (_name, args, reason) => {
    const [key, cert] = args() as [string, string];
    const result = await validateKeyPair(key, cert);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("refuses an RSA key under 2048 bits", async () => {
    const small = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]) },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", small.privateKey)) as ArrayBuffer);
    const pem = `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(...pkcs8))}\n-----END PRIVATE KEY-----\n`;
    expect(await validateKeyPair(pem, pair.certificatePem)).toEqual({
      ok: false,
      reason: expect.stringMatching(/1024 bits/),
    });
  });

  it("refuses an EC certificate", async () => {
    const keys = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      name: "CN=ec",
      keys,
      signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } as { name: string },
    });
    expect(await validateKeyPair(pair.privateKeyPem, cert.toString("pem"))).toEqual({
      ok: false,
      reason: "certificate does not hold an RSA public key",
    });
  });
});
