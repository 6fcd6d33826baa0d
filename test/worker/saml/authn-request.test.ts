import { DOMParser } from "@xmldom/xmldom";
import { describe, expect, it } from "vitest";
import { buildAuthnRequest, encodePostBinding, encodeRedirectBinding, signXml } from "../../../src/saml";
import { decodeBase64 } from "../../../src/saml/base64";
import { certificatePublicKey, readCertificate } from "../../../src/saml/certificate";
import { parseXml } from "../../../src/saml/parse-xml";
import { readSignature } from "../../../src/saml/read-signature";
import { verifySignature } from "../../../src/saml/verify-signature";
import { fx } from "./helpers";

const request = {
  id: "_req_0123456789abcdef",
  issuer: "https://sso.test/saml/conn_1",
  acsUrl: "https://sso.test/saml/conn_1/acs",
  destination: "https://idp.example.test/sso?tenant=a&x=1",
  issueInstant: new Date("2030-01-01T00:00:00Z"),
};

async function inflateRaw(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Response(stream).text();
}

describe("buildAuthnRequest", () => {
  it("names the ACS, destination, issuer, NameID policy and ForceAuthn", () => {
    const xml = buildAuthnRequest({ ...request, nameIdFormat: "emailAddress", forceAuthn: true });
    const root = new DOMParser().parseFromString(xml, "application/xml").documentElement!;
    expect(root.localName).toBe("AuthnRequest");
    expect(root.namespaceURI).toBe("urn:oasis:names:tc:SAML:2.0:protocol");
    expect(root.getAttribute("ID")).toBe(request.id);
    expect(root.getAttribute("IssueInstant")).toBe("2030-01-01T00:00:00.000Z");
    expect(root.getAttribute("Destination")).toBe(request.destination);
    expect(root.getAttribute("AssertionConsumerServiceURL")).toBe(request.acsUrl);
    expect(root.getAttribute("ProtocolBinding")).toBe("urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST");
    expect(root.getAttribute("ForceAuthn")).toBe("true");
    expect(xml).toContain(`<saml:Issuer>${request.issuer}</saml:Issuer>`);
    expect(xml).toContain('Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"');
  });

  it("escapes values and refuses an ID that is not an xs:ID", () => {
    const xml = buildAuthnRequest({ ...request, issuer: 'a"<b>&' });
    expect(xml).toContain("<saml:Issuer>a&quot;&lt;b&gt;&amp;</saml:Issuer>");
    expect(() => buildAuthnRequest({ ...request, id: "1abc" })).toThrow(TypeError);
    expect(() => buildAuthnRequest({ ...request, id: '_a" x="y' })).toThrow(TypeError);
  });
});

describe("bindings", () => {
  it("HTTP-POST: base64 of the XML and the RelayState", () => {
    const xml = buildAuthnRequest(request);
    const fields = encodePostBinding(xml, "rs-1");
    expect(new TextDecoder().decode(decodeBase64(fields.SAMLRequest)!)).toBe(xml);
    expect(fields.RelayState).toBe("rs-1");
  });

  it("HTTP-POST signed: an enveloped signature our verifier accepts with the SP certificate", async () => {
    const signed = await signXml(buildAuthnRequest(request), {
      privateKeyPem: fx.privateKeys.sp,
      certificatePem: fx.certificates.sp,
    });
    const root = parseXml(signed).document.documentElement!;
    const trusted = [readCertificate(fx.certificates.sp)!];
    const signature = readSignature(root, { allowSha1: false, trusted })!;
    expect(signature).not.toBeNull();
    // It names the certificate whose key verified it (SPEC §9 rotation reads which one).
    await expect(verifySignature(signature)).resolves.toEqual(trusted[0]);
    const tampered = parseXml(signed.replace(request.acsUrl, "https://evil.test/acs")).document.documentElement!;
    await expect(verifySignature(readSignature(tampered, { allowSha1: false, trusted })!)).rejects.toMatchObject({
      code: "digest_mismatch",
    });
  });

  it("HTTP-Redirect: raw DEFLATE + base64, RelayState, kept query string", async () => {
    const xml = buildAuthnRequest(request);
    const url = new URL(await encodeRedirectBinding({ xml, destination: request.destination, relayState: "r s/1" }));
    expect(url.searchParams.get("tenant")).toBe("a");
    expect(await inflateRaw(decodeBase64(url.searchParams.get("SAMLRequest")!)!)).toBe(xml);
    expect(url.searchParams.get("RelayState")).toBe("r s/1");
    expect(url.searchParams.has("Signature")).toBe(false);
  });

  it("HTTP-Redirect signed: RSA-SHA256 over the exact query octets", async () => {
    const xml = buildAuthnRequest(request);
    const location = await encodeRedirectBinding({
      xml,
      destination: "https://idp.example.test/sso",
      relayState: "state+1",
      signingKeyPem: fx.privateKeys.sp,
    });
    const query = location.slice(location.indexOf("?") + 1);
    const signedPart = query.slice(0, query.indexOf("&Signature="));
    expect(signedPart).toMatch(
      /^SAMLRequest=[^&]+&RelayState=state%2B1&SigAlg=http%3A%2F%2Fwww\.w3\.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256$/,
    );
    const signature = decodeBase64(new URL(location).searchParams.get("Signature")!)!;
    const spki = certificatePublicKey(readCertificate(fx.certificates.sp)!.der)!.spki;
    const key = await crypto.subtle.importKey("spki", spki, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, [
      "verify",
    ]);
    const ok = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, new TextEncoder().encode(signedPart));
    expect(ok).toBe(true);
  });
});
