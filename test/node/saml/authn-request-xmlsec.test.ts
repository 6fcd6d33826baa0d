import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { buildAuthnRequest, signXml } from "../../../src/saml";

/* The signed AuthnRequest (HTTP-POST binding) checked by an independent verifier: xmlsec1. */
const fx = inject("samlFixtures");

function xmlsecVerify(file: string): string {
  return execFileSync(
    "xmlsec1",
    [
      "--verify",
      "--id-attr:ID",
      "urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest",
      "--pubkey-cert-pem",
      join(fx.dir, "sp.crt"),
      file,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  ).toString();
}

describe("signed AuthnRequest", () => {
  it("verifies with xmlsec1 against the SP certificate, and fails once altered", async () => {
    const xml = buildAuthnRequest({
      id: "_req_xmlsec_1",
      issuer: "https://sso.test/saml/conn_1",
      acsUrl: "https://sso.test/saml/conn_1/acs",
      destination: "https://idp.example.test/sso",
      nameIdFormat: "persistent",
      forceAuthn: true,
      issueInstant: new Date("2030-01-01T00:00:00Z"),
    });
    const signed = await signXml(xml, { privateKeyPem: fx.privateKeys.sp, certificatePem: fx.certificates.sp });
    const file = join(fx.dir, "authn-request-signed.xml");
    writeFileSync(file, signed);
    expect(() => xmlsecVerify(file)).not.toThrow();
    writeFileSync(file, signed.replace("conn_1/acs", "conn_2/acs"));
    expect(() => xmlsecVerify(file)).toThrow();
  });
});
