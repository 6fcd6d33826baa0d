import type { Element } from "@xmldom/xmldom";
import { canonicalize } from "../../src/saml/canonicalize";
import { certificatePublicKey } from "../../src/saml/certificate";
import { checkStatus } from "../../src/saml/check-status";
import { decodeSamlMessage } from "../../src/saml/decode-saml-message";
import { decryptElement } from "../../src/saml/decrypt-element";
import { checkDecryptedAssertion, locateAssertion } from "../../src/saml/locate-assertion";
import { NS } from "../../src/saml/namespaces";
import { parseDecrypted } from "../../src/saml/parse-decrypted";
import { parseXml } from "../../src/saml/parse-xml";
import { readSignature, type SignatureToVerify } from "../../src/saml/read-signature";
import { readVerifiedLogin } from "../../src/saml/read-verified-login";
import { trustedCertificates, verificationKey } from "../../src/saml/trusted-keys";
import type { verifyInput } from "./operations";
import { timeBatches, type BatchPlan, type BatchTiming } from "./timing";

const utf8 = new TextEncoder();
const CHECKS = "checks + read (readVerifiedLogin)";

/**
 * A profile of verifySamlResponse: each step it takes, timed alone by calling the
 * src/saml submodules in the order verify-saml-response.ts calls them, on one fixture.
 * The steps add up to (about) the whole; the difference is call overhead and the
 * allocation the whole does once per verification.
 */
export async function profilePhases(
  input: ReturnType<typeof verifyInput>,
  plan: BatchPlan,
): Promise<Record<string, BatchTiming>> {
  const out: Record<string, BatchTiming> = {};
  const steps = await verificationSteps(input);
  for (const [name, step] of Object.entries(steps)) out[name] = await timeBatches(step, plan);
  return out;
}

/**
 * The same steps, each run once in order, in an isolate that has not verified anything
 * yet: where the first verification's time goes (lazy compilation, first key import).
 * Milliseconds, at the clock's 1 ms quantum.
 */
export async function coldPhases(input: ReturnType<typeof verifyInput>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const steps = await verificationSteps(input, out);
  const t = performance.now();
  await steps[CHECKS]!();
  out[`first ${CHECKS}`] = performance.now() - t;
  return out;
}

/**
 * Each step of verify-saml-response.ts on one fixture, as a function over the state the
 * steps before it produced. With `cold`, the time of the first run of each step (the one
 * that produces that state) is recorded there.
 */
async function verificationSteps(
  input: ReturnType<typeof verifyInput>,
  cold?: Record<string, number>,
): Promise<Record<string, () => unknown>> {
  const first = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    const value = await fn();
    if (cold) cold[`first ${name}`] = performance.now() - t;
    return value;
  };
  const policy = input.connection;
  const xml = await first("decode", () => decodeSamlMessage(input.samlResponse));
  const { document, ids } = await first("parse", () => parseXml(xml));
  const response = document.documentElement!;
  const located = locateAssertion(response);
  const options = await first("certificates", () => ({
    allowSha1: policy.allowSha1,
    trusted: trustedCertificates(policy.idpCertificates),
  }));
  const decrypt = async () => {
    const plain = await decryptElement(located.element, policy.spDecryptionKeys);
    const assertion = parseDecrypted(plain, located.element, { ns: NS.assertion, local: "Assertion" }, ids).element;
    checkDecryptedAssertion(assertion);
    return assertion;
  };
  const assertion: Element = located.encrypted ? await first("decrypt", decrypt) : located.element;
  const sig = await first("readSignature", () => readSignature(assertion, options));
  if (!sig) throw new Error("the fixture's assertion is not signed");
  const content = await first("exc-c14n", () =>
    canonicalize(sig.covered, { envelopedSignature: sig.signature, inclusivePrefixes: sig.referencePrefixes }),
  );
  const signedInfo = utf8.encode(canonicalize(sig.signedInfo, { inclusivePrefixes: sig.signedInfoPrefixes }));
  // The fixtures name their certificate in KeyInfo: the one candidate.
  const certificate = sig.certificates[0]!;
  // Cold, the key's first import is split: the certificate's ASN.1 parse, then the rest.
  if (cold) await first("certificate ASN.1 parse (certificatePublicKey)", () => certificatePublicKey(certificate.der));
  const key = await first("key import (WebCrypto importKey, parse warm)", () =>
    verificationKey(certificate, sig.algorithm),
  );
  if (!key) throw new Error("the fixture's certificate does not fit its algorithm");
  await first("RSA-2048 verify", () => rsaVerify(key, sig, signedInfo));
  const steps: Record<string, () => unknown> = {
    "base64+utf8 decode": () => decodeSamlMessage(input.samlResponse),
    "parse (xmldom + ID walk)": () => parseXml(xml),
    "structure (status, locate, certificates, readSignature)": () => structure(response, assertion, policy),
    ...(located.encrypted ? { "decrypt (RSA-OAEP + AES + parse)": decrypt } : {}),
    "exc-c14n of the assertion": () =>
      canonicalize(sig.covered, { envelopedSignature: sig.signature, inclusivePrefixes: sig.referencePrefixes }),
    "SHA-256 digest": () => crypto.subtle.digest(sig.digest, utf8.encode(content)),
    "exc-c14n of SignedInfo": () => canonicalize(sig.signedInfo, { inclusivePrefixes: sig.signedInfoPrefixes }),
    "key lookup (cached import)": () => verificationKey(certificate, sig.algorithm),
    "RSA-2048 verify": () => rsaVerify(key, sig, signedInfo),
    [CHECKS]: () =>
      readVerifiedLogin({
        response,
        assertion,
        responseSigned: false,
        assertionSigned: true,
        policy,
        expectedRequestId: input.expectedRequestId,
        now: input.now.getTime(),
        checkDestination: true,
        ids,
      }),
  };
  return steps;
}

function structure(
  response: Element,
  assertion: Element,
  policy: ReturnType<typeof verifyInput>["connection"],
): SignatureToVerify | null {
  checkStatus(response);
  const options = { allowSha1: policy.allowSha1, trusted: trustedCertificates(policy.idpCertificates) };
  locateAssertion(response);
  readSignature(response, options);
  return readSignature(assertion, options);
}

async function rsaVerify(key: CryptoKey, sig: SignatureToVerify, signedInfo: Uint8Array): Promise<void> {
  const ok = await crypto.subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, key, sig.signatureValue, signedInfo);
  if (!ok) throw new Error("the fixture's signature does not verify");
}
