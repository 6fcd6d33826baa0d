import { DOMParser, XMLSerializer, type Document, type Element } from "@xmldom/xmldom";
import { inject } from "vitest";
import { encodeBase64 } from "../../../src/lib/base64";
import {
  mappedAttributeNames,
  verifySamlResponse,
  type SamlVerificationPolicy,
  type VerifySamlResponseInput,
} from "../../../src/saml";

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
    mappedAttributes: mappedAttributeNames({}),
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

/** Edit a Response with xmldom and serialize it back, as an attacker's tool would. */
export function edit(xml: string, change: (doc: Document, find: Finder) => void): string {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  change(doc, finder(doc));
  return new XMLSerializer().serializeToString(doc);
}

export const NS = {
  protocol: "urn:oasis:names:tc:SAML:2.0:protocol",
  assertion: "urn:oasis:names:tc:SAML:2.0:assertion",
  dsig: "http://www.w3.org/2000/09/xmldsig#",
  xenc: "http://www.w3.org/2001/04/xmlenc#",
} as const;

type Finder = (ns: keyof typeof NS, local: string, index?: number) => Element;

function finder(doc: Document): Finder {
  return (ns, local, index = 0) => {
    const found = doc.getElementsByTagNameNS(NS[ns], local).item(index);
    if (!found) throw new Error(`fixture has no ${local}[${index}]`);
    return found;
  };
}
