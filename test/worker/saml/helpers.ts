import { inject } from "vitest";
import { encodeBase64 } from "../../../src/saml/base64";
import { verifySamlResponse, type SamlVerificationPolicy, type VerifySamlResponseInput } from "../../../src/saml";

/** The xmlsec1-signed fixtures of this run (test/setup/saml-fixtures.ts). */
export const fx = inject("samlFixtures");

/** base64 of UTF-8 text, as a browser would POST it. */
export function b64(xml: string): string {
  return encodeBase64(new TextEncoder().encode(xml));
}

/** The connection the fixtures were made for; override per test. */
export function policy(overrides: Partial<SamlVerificationPolicy> = {}): SamlVerificationPolicy {
  return {
    idpEntityId: fx.idpEntityId,
    idpCertificates: [fx.certificates.idp, fx.certificates.idpEc],
    spEntityId: fx.spEntityId,
    acsUrl: fx.acsUrl,
    wantAssertionsSigned: true,
    wantResponseSigned: false,
    allowIdpInitiated: false,
    allowSha1: false,
    clockSkewSeconds: 60,
    spDecryptionKeys: [fx.privateKeys.sp],
    ...overrides,
  };
}

/** Verify a Response XML at the fixtures' clock, as the pending login `fx.requestId`. */
export function verifyXml(
  xml: string,
  overrides: Partial<SamlVerificationPolicy> = {},
  input: Partial<Omit<VerifySamlResponseInput, "connection">> = {},
) {
  return verifySamlResponse({
    samlResponse: b64(xml),
    connection: policy(overrides),
    expectedRequestId: fx.requestId,
    now: new Date(fx.now),
    ...input,
  });
}

/** The rejection code, or "ok". */
export async function codeOf(result: ReturnType<typeof verifyXml>): Promise<string> {
  const r = await result;
  return r.ok ? "ok" : r.error.code;
}
