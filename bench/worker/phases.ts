import type { Element } from "@xmldom/xmldom";
import { canonicalize } from "../../src/saml/canonicalize";
import { checkStatus } from "../../src/saml/check-status";
import { decodeSamlMessage } from "../../src/saml/decode-saml-message";
import { decryptElement } from "../../src/saml/decrypt-element";
import { locateAssertion, rejectAssertionsInAdvice } from "../../src/saml/locate-assertion";
import { NS } from "../../src/saml/namespaces";
import { parseDecrypted } from "../../src/saml/parse-decrypted";
import { parseXml } from "../../src/saml/parse-xml";
import { readSignature, type SignatureToVerify } from "../../src/saml/read-signature";
import { readVerifiedLogin } from "../../src/saml/read-verified-login";
import { trustedCertificates, verificationKey } from "../../src/saml/trusted-keys";
import type { verifyInput } from "./operations";
import { timeBatches, type BatchPlan, type BatchTiming } from "./timing";

const utf8 = new TextEncoder();

/**
 * A profile of verifySamlResponse: each step it takes, timed alone by calling the
 * src/saml submodules in the order verify-saml-response.ts calls them, on one fixture.
 * The steps add up to (about) the whole; the difference is call overhead and the
 * allocation the whole does once per verification.
 */
export async function profilePhases(input: ReturnType<typeof verifyInput>, plan: BatchPlan): Promise<Record<string, BatchTiming>> {
  const policy = input.connection;
  const xml = decodeSamlMessage(input.samlResponse);
  const { document, ids } = parseXml(xml);
  const response = document.documentElement!;
  const located = locateAssertion(response);
  const options = { allowSha1: policy.allowSha1, trusted: trustedCertificates(policy.idpCertificates) };
  const decrypt = async () => {
    const plain = await decryptElement(located.element, policy.spDecryptionKeys);
    const assertion = parseDecrypted(plain, located.element, { ns: NS.assertion, local: "Assertion" }, ids);
    rejectAssertionsInAdvice(assertion);
    return assertion;
  };
  const assertion: Element = located.encrypted ? await decrypt() : located.element;
  const sig = readSignature(assertion, options);
  if (!sig) throw new Error("the fixture's assertion is not signed");
  const content = canonicalize(sig.covered, { envelopedSignature: sig.signature, inclusivePrefixes: sig.referencePrefixes });
  const signedInfo = utf8.encode(canonicalize(sig.signedInfo, { inclusivePrefixes: sig.signedInfoPrefixes }));
  const key = await verificationKey(sig.certificate, sig.algorithm);
  const phases: Record<string, () => unknown> = {
    "base64+utf8 decode": () => decodeSamlMessage(input.samlResponse),
    "parse (xmldom + ID walk)": () => parseXml(xml),
    "structure (status, locate, certificates, readSignature)": () => structure(response, assertion, policy),
    ...(located.encrypted ? { "decrypt (RSA-OAEP + AES + parse)": decrypt } : {}),
    "exc-c14n of the assertion": () => canonicalize(sig.covered, { envelopedSignature: sig.signature, inclusivePrefixes: sig.referencePrefixes }),
    "SHA-256 digest": () => crypto.subtle.digest(sig.digest, utf8.encode(content)),
    "exc-c14n of SignedInfo": () => canonicalize(sig.signedInfo, { inclusivePrefixes: sig.signedInfoPrefixes }),
    "key lookup (cached import)": () => verificationKey(sig.certificate, sig.algorithm),
    "RSA-2048 verify": () => rsaVerify(key, sig, signedInfo),
    "checks + read (readVerifiedLogin)": () => readVerifiedLogin({
      response, assertion, responseSigned: false, assertionSigned: true, policy, expectedRequestId: input.expectedRequestId,
      now: input.now.getTime(), checkDestination: true, ids,
    }),
  };
  const out: Record<string, BatchTiming> = {};
  for (const [name, phase] of Object.entries(phases)) out[name] = await timeBatches(phase, plan);
  return out;
}

function structure(response: Element, assertion: Element, policy: ReturnType<typeof verifyInput>["connection"]): SignatureToVerify | null {
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
