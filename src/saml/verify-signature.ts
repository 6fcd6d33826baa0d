import { canonicalize } from "./canonicalize";
import type { CertificateDer } from "./certificate";
import type { SignatureToVerify } from "./read-signature";
import { fail } from "./saml-error";
import { verificationKey } from "./trusted-keys";

const utf8 = new TextEncoder();

/**
 * Verify a structurally checked signature with WebCrypto: first the signature over the
 * canonical SignedInfo with the candidate configured keys, then the digest of the covered
 * element (enveloped-signature + exc-c14n, canonicalized once) (SPEC §5). SignedInfo is
 * small; checking it first means the large canonicalization runs only for content the
 * IdP's key signed for, never on a forger's behalf. Returns the configured certificate whose
 * key verified it (SPEC §9: a login verified by a newly published certificate lets the
 * ones the IdP's metadata dropped go).
 */
export async function verifySignature(sig: SignatureToVerify): Promise<CertificateDer> {
  const signedInfo = utf8.encode(canonicalize(sig.signedInfo, { inclusivePrefixes: sig.signedInfoPrefixes }));
  const keys = await candidateKeys(sig);
  const params =
    sig.algorithm.kind === "ECDSA" ? { name: "ECDSA", hash: sig.algorithm.hash } : { name: "RSASSA-PKCS1-v1_5" };
  let signer: CertificateDer | null = null;
  for (const { key, certificate } of keys) {
    let valid = false;
    try {
      valid = await crypto.subtle.verify(params, key, sig.signatureValue, signedInfo);
    } catch {
      valid = false;
    }
    if (valid) {
      signer = certificate;
      break;
    }
  }
  if (!signer) fail("signature_invalid", `signature of ${sig.covered.localName} does not verify`);
  const content = canonicalize(sig.covered, {
    envelopedSignature: sig.signature,
    inclusivePrefixes: sig.referencePrefixes,
  });
  const digest = new Uint8Array(await crypto.subtle.digest(sig.digest, utf8.encode(content)));
  if (!equalBytes(digest, sig.digestValue)) {
    fail("digest_mismatch", `digest of ${sig.covered.localName} does not match its Reference`);
  }
  return signer;
}

/**
 * The keys of the candidate certificates that fit the algorithm. None fitting (an RSA
 * certificate for an ECDSA signature) is `untrusted_certificate`: no configured
 * certificate can have made this signature.
 */
async function candidateKeys(sig: SignatureToVerify): Promise<{ key: CryptoKey; certificate: CertificateDer }[]> {
  const keys: { key: CryptoKey; certificate: CertificateDer }[] = [];
  for (const certificate of sig.certificates) {
    const key = await verificationKey(certificate, sig.algorithm);
    if (key) keys.push({ key, certificate });
  }
  if (keys.length === 0) fail("untrusted_certificate", `no configured certificate has an ${sig.algorithm.kind} key`);
  return keys;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
