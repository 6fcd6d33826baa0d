import { NS } from "./namespaces";
import { fail } from "./saml-error";

/** A WebCrypto hash name. */
export type HashName = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

/** A signature algorithm the verifier accepts, as WebCrypto parameters. */
export interface SignatureAlgorithm {
  kind: "RSASSA-PKCS1-v1_5" | "ECDSA";
  hash: HashName;
}

/** The exc-c14n URI: the only canonicalization accepted (SPEC §5). */
export const EXC_C14N = NS.excC14n;
/** The enveloped-signature transform URI. */
export const ENVELOPED_SIGNATURE = `${NS.dsig}enveloped-signature`;

const SIGNATURE_ALGORITHMS: Record<string, SignatureAlgorithm> = {
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": { kind: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": { kind: "RSASSA-PKCS1-v1_5", hash: "SHA-384" },
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": { kind: "RSASSA-PKCS1-v1_5", hash: "SHA-512" },
  "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256": { kind: "ECDSA", hash: "SHA-256" },
  "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384": { kind: "ECDSA", hash: "SHA-384" },
  "http://www.w3.org/2000/09/xmldsig#rsa-sha1": { kind: "RSASSA-PKCS1-v1_5", hash: "SHA-1" },
};

const DIGEST_ALGORITHMS: Record<string, HashName> = {
  "http://www.w3.org/2001/04/xmlenc#sha256": "SHA-256",
  "http://www.w3.org/2001/04/xmldsig-more#sha384": "SHA-384",
  "http://www.w3.org/2001/04/xmlenc#sha512": "SHA-512",
  "http://www.w3.org/2000/09/xmldsig#sha1": "SHA-1",
};

/**
 * The accepted signature algorithm for a SignatureMethod URI. HMAC is never accepted (a
 * shared-secret MAC would let anyone holding the "key" — our public certificate — forge);
 * SHA-1 only when the connection opted in with `allowSha1` (SPEC §5).
 */
export function signatureAlgorithm(uri: string, allowSha1: boolean): SignatureAlgorithm {
  const alg = Object.hasOwn(SIGNATURE_ALGORITHMS, uri) ? SIGNATURE_ALGORITHMS[uri] : undefined;
  if (!alg) return fail("unsupported_algorithm", `signature algorithm ${uri}`);
  if (alg.hash === "SHA-1" && !allowSha1) {
    return fail("unsupported_algorithm", `SHA-1 signature ${uri} without allowSha1`);
  }
  return alg;
}

/** The accepted digest for a DigestMethod URI; SHA-1 only with `allowSha1` (SPEC §5). */
export function digestAlgorithm(uri: string, allowSha1: boolean): HashName {
  const hash = Object.hasOwn(DIGEST_ALGORITHMS, uri) ? DIGEST_ALGORITHMS[uri] : undefined;
  if (!hash) return fail("unsupported_algorithm", `digest algorithm ${uri}`);
  if (hash === "SHA-1" && !allowSha1) {
    return fail("unsupported_algorithm", `SHA-1 digest ${uri} without allowSha1`);
  }
  return hash;
}

/** The hash named by a DigestMethod inside xmlenc's EncryptionMethod (OAEP digest); SHA-1 is fine there. */
export function oaepDigest(uri: string | null): HashName | undefined {
  if (uri === null) return "SHA-1";
  return Object.hasOwn(DIGEST_ALGORITHMS, uri) ? DIGEST_ALGORITHMS[uri] : undefined;
}
