import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { certificatePublicKey, readCertificate } from "../../../src/saml/certificate";
import { x509 } from "../../../src/crypto/x509";
import { fx } from "./helpers";

/*
 * certificatePublicKey walks the DER itself (src/saml/certificate.ts). Checked against
 * @peculiar/asn1-x509 (a devDependency for this test) on every certificate we have —
 * this run's openssl certificates, the corpus's metadata and KeyInfo certificates, and
 * certificates made here for the other key types — and against malformed DER.
 */
const corpus = import.meta.glob("../../fixtures/saml-corpus/**/*.xml", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

/** DER of the namedCurve parameters (RFC 5480 §2.1.1.1). */
const CURVES: Record<string, string> = {
  "06082a8648ce3d030107": "P-256",
  "06052b81040022": "P-384",
  "06052b81040023": "P-521",
};
const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** What @peculiar/asn1-x509 reads: the SPKI's DER, its algorithm OID and its curve. */
function libraryView(der: Uint8Array) {
  const info = AsnConvert.parse(der, Certificate).tbsCertificate.subjectPublicKeyInfo;
  const parameters = info.algorithm.parameters;
  const curve = parameters ? CURVES[toHex(new Uint8Array(parameters))] : undefined;
  return { spki: new Uint8Array(AsnConvert.serialize(info)), algorithm: info.algorithm.algorithm, curve };
}

function fixtureCertificates(): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  for (const [name, pem] of Object.entries(fx.certificates)) out.push([`openssl ${name}`, readCertificate(pem)!.der]);
  const seen = new Set<string>();
  for (const [path, xml] of Object.entries(corpus)) {
    for (const match of xml.matchAll(/<(?:\w+:)?X509Certificate>([^<]+)</g)) {
      const cert = readCertificate(match[1]!);
      if (!cert || seen.has(cert.base64)) continue;
      seen.add(cert.base64);
      out.push([`${path.split("/").slice(-3).join("/")} #${seen.size}`, cert.der]);
    }
  }
  return out;
}

type GenerateKeyAlgorithm = Parameters<SubtleCrypto["generateKey"]>[0];

async function selfSigned(algorithm: GenerateKeyAlgorithm): Promise<Uint8Array> {
  const keys = (await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const signingAlgorithm =
    (algorithm as { name: string }).name === "ECDSA" ? { name: "ECDSA", hash: "SHA-256" } : algorithm;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=made-here.edge-sso.test",
    notBefore: new Date("2026-01-01T00:00:00Z"),
    notAfter: new Date("2036-01-01T00:00:00Z"),
    keys,
    signingAlgorithm,
  });
  return new Uint8Array(cert.rawData);
}

describe("certificatePublicKey", () => {
  it("reads the same SubjectPublicKeyInfo as @peculiar/asn1-x509 on every fixture certificate", async () => {
    const certificates = fixtureCertificates();
    expect(certificates.length).toBeGreaterThan(8);
    for (const [name, der] of certificates) {
      const ours = certificatePublicKey(der);
      const theirs = libraryView(der);
      expect(ours, name).not.toBeNull();
      expect(new Uint8Array(ours!.spki), name).toEqual(theirs.spki);
      expect(ours!.algorithm, name).toBe(theirs.algorithm);
      expect(ours!.namedCurve, name).toBe(theirs.curve);
      const params =
        ours!.kind === "EC"
          ? { name: "ECDSA", namedCurve: ours!.namedCurve! }
          : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
      await expect(crypto.subtle.importKey("spki", ours!.spki, params, false, ["verify"]), name).resolves.toBeDefined();
    }
  });

  it.each([
    [
      "RSA-3072",
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      "RSA",
      undefined,
    ],
    ["EC P-256", { name: "ECDSA", namedCurve: "P-256" }, "EC", "P-256"],
    ["EC P-384", { name: "ECDSA", namedCurve: "P-384" }, "EC", "P-384"],
  ] as const)("reads a %s certificate", async (_, algorithm, kind, namedCurve) => {
    const der = await selfSigned(algorithm as GenerateKeyAlgorithm);
    const ours = certificatePublicKey(der)!;
    expect(ours.kind).toBe(kind);
    expect(ours.namedCurve).toBe(namedCurve);
    expect(libraryView(der).curve).toBe(namedCurve);
    expect(new Uint8Array(ours.spki)).toEqual(libraryView(der).spki);
  });

  it.each([
    ["EC P-521 (not a curve SPEC §5 allows)", { name: "ECDSA", namedCurve: "P-521" }],
    ["Ed25519", { name: "Ed25519" }],
  ] as const)("refuses a %s certificate", async (_, algorithm) => {
    const der = await selfSigned(algorithm as GenerateKeyAlgorithm);
    expect(libraryView(der).spki.length).toBeGreaterThan(0);
    expect(certificatePublicKey(der)).toBeNull();
    expect(certificatePublicKey(Uint8Array.from([...der, 0]))).toBeNull();
  });
});

describe("certificatePublicKey on malformed DER", () => {
  const der = readCertificate(fx.certificates.idp)!.der;
  /** The Certificate's length field: 0x82 and two octets for any RSA-2048 certificate. */
  const contentLength = (der[2]! << 8) | der[3]!;

  it("starts from a well-formed certificate", () => {
    expect(der[0]).toBe(0x30);
    expect(der[1]).toBe(0x82);
    expect(certificatePublicKey(der)).not.toBeNull();
  });

  it("refuses every truncation", () => {
    for (let length = 0; length < der.length; length++) {
      expect(certificatePublicKey(der.subarray(0, length)), `${length} bytes`).toBeNull();
    }
  });

  it("refuses trailing bytes", () => {
    expect(certificatePublicKey(Uint8Array.from([...der, 0]))).toBeNull();
    expect(certificatePublicKey(Uint8Array.from([...der, ...der]))).toBeNull();
  });

  it("refuses an indefinite length", () => {
    const indefinite = Uint8Array.from([0x30, 0x80, ...der.subarray(4), 0, 0]);
    expect(certificatePublicKey(indefinite)).toBeNull();
  });

  it("refuses a length beyond the buffer, or short of it", () => {
    for (const delta of [1, 2, 0x100, -1]) {
      const changed = Uint8Array.from(der);
      changed[2] = ((contentLength + delta) >> 8) & 0xff;
      changed[3] = (contentLength + delta) & 0xff;
      expect(certificatePublicKey(changed), `length ${delta > 0 ? "+" : ""}${delta}`).toBeNull();
    }
  });

  it("refuses a non-minimal length", () => {
    const longer = Uint8Array.from([0x30, 0x83, 0, der[2]!, der[3]!, ...der.subarray(4)]);
    expect(certificatePublicKey(longer)).toBeNull();
  });

  it("refuses a Certificate that is not a SEQUENCE, or a tbsCertificate that is not", () => {
    const outer = Uint8Array.from(der);
    outer[0] = 0x31;
    expect(certificatePublicKey(outer)).toBeNull();
    const inner = Uint8Array.from(der);
    inner[4] = 0x31;
    expect(certificatePublicKey(inner)).toBeNull();
  });

  it("refuses a subjectPublicKey BIT STRING with unused bits", () => {
    const spki = new Uint8Array(certificatePublicKey(der)!.spki);
    // RSA-2048: SEQUENCE(4) AlgorithmIdentifier(15) BIT STRING 03 82 01 0f, unused bits, key.
    expect([spki[19], spki[23]]).toEqual([0x03, 0]);
    const at = der.findIndex((_, i) => spki.every((b, j) => der[i + j] === b));
    const changed = Uint8Array.from(der);
    changed[at + 23] = 1;
    expect(certificatePublicKey(changed)).toBeNull();
  });

  it("never throws on random corruption, and agrees with @peculiar/asn1-x509 when both read a key", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: der.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (changes) => {
          const corrupted = Uint8Array.from(der);
          for (const [at, value] of changes) corrupted[at] = value;
          const ours = certificatePublicKey(corrupted);
          if (!ours) return;
          let theirs: ReturnType<typeof libraryView>;
          try {
            theirs = libraryView(corrupted);
          } catch {
            return;
          }
          expect(new Uint8Array(ours.spki)).toEqual(theirs.spki);
          expect(ours.algorithm).toBe(theirs.algorithm);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
