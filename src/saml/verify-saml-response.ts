import type { CertificateDer } from "./certificate";
import { checkStatus } from "./check-status";
import { decodeSamlMessage } from "./decode-saml-message";
import { decryptElement } from "./decrypt-element";
import { isElementNamed } from "./dom";
import { checkDecryptedAssertion, locateAssertion } from "./locate-assertion";
import { NS } from "./namespaces";
import { parseDecrypted } from "./parse-decrypted";
import { parseXml } from "./parse-xml";
import { readSignature, type SignatureToVerify } from "./read-signature";
import { readVerifiedLogin, type SamlLogin } from "./read-verified-login";
import { asSamlResult, fail, type SamlResult } from "./saml-error";
import { trustedCertificates } from "./trusted-keys";
import { verifySignature } from "./verify-signature";

/** The SAML side of a connection, as verification needs it (SPEC §2 `saml`). */
export interface SamlVerificationPolicy {
  /**
   * The Issuer the Assertion (and the Response, when it names one) must carry. Null only
   * for a setup portal test sign-in of a connection whose entity ID is not known yet
   * (SPEC §9): any Issuer is read, the Response's must equal the Assertion's, and the
   * admin confirms it before it is saved. Every login passes a string.
   */
  idpEntityId: string | null;
  /** Configured IdP certificates (PEM, one-line PEM, base64 DER or base64 of PEM); several during rotation. */
  idpCertificates: readonly string[];
  spEntityId: string;
  /** The ACS URL Destination and Recipient must equal (`acsUrlOverride` when set). */
  acsUrl: string;
  wantAssertionsSigned: boolean;
  wantResponseSigned: boolean;
  allowIdpInitiated: boolean;
  allowSha1: boolean;
  /** Allowed clock difference with the IdP; clamped to 0…180 (SPEC §2). */
  clockSkewSeconds: number;
  /**
   * Every attribute Name the login reads (`mappedAttributeNames` of the connection's
   * attributeMapping, provider defaults included). An AttributeValue holding elements
   * rejects only for these; other such values are left out (SPEC §5).
   */
  mappedAttributes: readonly string[];
  /** SP private keys for EncryptedAssertion/EncryptedID, as PKCS#8 PEM ("BEGIN PRIVATE KEY") strings. */
  spDecryptionKeys: readonly string[];
}

/** Input of {@link verifySamlResponse}. */
export interface VerifySamlResponseInput {
  /** The `SAMLResponse` form value: base64 of the Response XML (line breaks allowed). */
  samlResponse: string;
  connection: SamlVerificationPolicy;
  /** ID of the pending login's AuthnRequest; absent when no login is pending. */
  expectedRequestId?: string | undefined;
  /** The clock: verification never reads the time itself. */
  now: Date;
  /**
   * Skip the Destination and Recipient checks. Only for the CLI's
   * `--skip-destination-check`, auditing captured responses whose ACS URL is unknown.
   */
  skipDestinationCheck?: boolean;
}

export type { SamlLogin } from "./read-verified-login";

/**
 * Decide whether a SAMLResponse logs anyone in: every rule of SPEC §5 except the replay
 * cache, which is the caller's (record `assertionId` until `replayCacheUntil`). Pure: no
 * I/O, no clock; WebCrypto only, so it runs in workerd and in Node alike.
 */
export async function verifySamlResponse(input: VerifySamlResponseInput): Promise<SamlResult<SamlLogin>> {
  // A broken clock would make every time comparison false, i.e. accept: a caller bug, thrown.
  if (!(input.now instanceof Date) || Number.isNaN(input.now.getTime())) {
    throw new TypeError("verifySamlResponse: `now` must be a valid Date");
  }
  return asSamlResult(() => verify(input));
}

async function verify(input: VerifySamlResponseInput): Promise<SamlLogin> {
  const policy = input.connection;
  const parsed = parseXml(decodeSamlMessage(input.samlResponse));
  const document = parsed.document;
  let ids: ReadonlySet<string> = parsed.ids;
  const response = document.documentElement!;
  if (!isElementNamed(response, NS.protocol, "Response")) fail("malformed_xml", "the root is not a samlp:Response");
  checkStatus(response);
  const located = locateAssertion(response);
  const options = { allowSha1: policy.allowSha1, trusted: trustedCertificates(policy.idpCertificates) };
  const responseSignature = readSignature(response, options);
  if (policy.wantResponseSigned && !responseSignature) fail("unsigned", "the Response is not signed");
  let responseSigner: CertificateDer | null = null;
  let assertion = located.element;
  if (located.encrypted) {
    // Authenticate before decrypting whenever the Response is signed: no ciphertext of an
    // unauthenticated message reaches the decryptor (XML-Enc CBC oracles).
    if (responseSignature) responseSigner = await verifySignature(responseSignature);
    const xml = await decryptElement(located.element, policy.spDecryptionKeys);
    const decrypted = parseDecrypted(xml, located.element, { ns: NS.assertion, local: "Assertion" }, ids);
    assertion = decrypted.element;
    ids = decrypted.ids;
    checkDecryptedAssertion(assertion);
  }
  const assertionSignature = readSignature(assertion, options);
  requireCoverage(policy, responseSignature, assertionSignature);
  // The Response signature counts when required or when it is what covers the assertion.
  // Otherwise nothing it covers is trusted (Response@InResponseTo counts as unsigned), so
  // it is not verified: real IdPs (the Okta sample of the corpus) send broken ones.
  const responseCounts = policy.wantResponseSigned || !assertionSignature;
  if (responseSignature && responseCounts && !responseSigner) responseSigner = await verifySignature(responseSignature);
  const assertionSigner = assertionSignature ? await verifySignature(assertionSignature) : null;
  // requireCoverage made sure one of the two covers the assertion.
  const signer = assertionSigner ?? responseSigner;
  if (!signer) fail("unsigned", "no verified signature covers the assertion");
  const login = await readVerifiedLogin({
    response,
    assertion,
    responseSigned: responseSigner !== null,
    assertionSigned: assertionSignature !== null,
    policy,
    expectedRequestId: input.expectedRequestId,
    now: input.now.getTime(),
    checkDestination: input.skipDestinationCheck !== true,
    ids,
  });
  return { ...login, signingCertificate: signer.der };
}

/**
 * SPEC §5: the assertion is always covered by a verified signature — its own, or the
 * Response's when the Response is signed and `wantAssertionsSigned` is off.
 */
function requireCoverage(
  policy: SamlVerificationPolicy,
  response: SignatureToVerify | null,
  assertion: SignatureToVerify | null,
): void {
  if (assertion) return;
  if (policy.wantAssertionsSigned) fail("unsigned", "the assertion is not signed");
  if (!response) fail("unsigned", "neither the assertion nor the Response is signed");
}
