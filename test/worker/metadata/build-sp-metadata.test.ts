import { XMLParser } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { generateSpKeyPair } from "../../../src/crypto/sp-keys";
import { buildSpMetadata, escapeXml, type SpMetadataInput } from "../../../src/saml/metadata/build-sp-metadata";
import { parseIdpMetadata } from "../../../src/saml/metadata/parse-idp-metadata";
import { parseXmlTree, type XmlElement } from "../../../src/saml/metadata/xml-tree";

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

let input: SpMetadataInput;
let signingBase64: string;
let encryptionBase64: string;

beforeAll(async () => {
  const [signing, encryption] = await Promise.all([
    generateSpKeyPair({ commonName: "sso.test signing" }),
    generateSpKeyPair({ commonName: "sso.test encryption" }),
  ]);
  const base64 = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, "");
  signingBase64 = base64(signing.certificatePem);
  encryptionBase64 = base64(encryption.certificatePem);
  input = {
    entityId: "https://sso.test/saml/conn_01",
    acsUrl: "https://sso.test/saml/conn_01/acs",
    sloUrl: "https://sso.test/saml/conn_01/slo",
    signingCertificatePem: signing.certificatePem,
    encryptionCertificatePem: encryption.certificatePem.replace(/\n/g, "\r\n"),
    nameIdFormat: "emailAddress",
    wantAssertionsSigned: true,
    authnRequestsSigned: false,
  };
});

function tree(xml: string): XmlElement {
  const result = parseXmlTree(xml, 1024 * 1024);
  if (!result.ok) throw new Error(result.reason);
  return result.root;
}

function children(parent: XmlElement, ns: string, name: string): XmlElement[] {
  return parent.children.filter((c) => c.namespace === ns && c.localName === name);
}

describe("buildSpMetadata", () => {
  it("is well-formed XML that fast-xml-parser reads", () => {
    const xml = buildSpMetadata(input);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(xml, true);
    expect(doc["md:EntityDescriptor"]["@entityID"]).toBe(input.entityId);
    expect(doc["md:EntityDescriptor"]["md:SPSSODescriptor"]["md:AssertionConsumerService"]["@Location"]).toBe(
      input.acsUrl,
    );
  });

  it("has the SPSSODescriptor structure of SAML metadata §2.4.4 in schema order", () => {
    const root = tree(buildSpMetadata(input));
    expect([root.namespace, root.localName, root.attributes.get("entityID")]).toEqual([
      MD,
      "EntityDescriptor",
      input.entityId,
    ]);
    const [sp] = children(root, MD, "SPSSODescriptor");
    if (!sp) throw new Error("no SPSSODescriptor");
    expect(Object.fromEntries(sp.attributes)).toEqual({
      AuthnRequestsSigned: "false",
      WantAssertionsSigned: "true",
      protocolSupportEnumeration: "urn:oasis:names:tc:SAML:2.0:protocol",
    });
    expect(sp.children.map((c) => c.localName)).toEqual([
      "KeyDescriptor",
      "KeyDescriptor",
      "SingleLogoutService",
      "SingleLogoutService",
      "NameIDFormat",
      "AssertionConsumerService",
    ]);

    const keys = children(sp, MD, "KeyDescriptor").map((k) => ({
      use: k.attributes.get("use"),
      cert: k.children[0]?.children[0]?.children[0],
    }));
    expect(keys.map((k) => k.use)).toEqual(["signing", "encryption"]);
    expect(keys.map((k) => [k.cert?.namespace, k.cert?.localName, k.cert?.text])).toEqual([
      [DS, "X509Certificate", signingBase64],
      [DS, "X509Certificate", encryptionBase64],
    ]);

    expect(children(sp, MD, "SingleLogoutService").map((s) => Object.fromEntries(s.attributes))).toEqual([
      { Binding: REDIRECT, Location: input.sloUrl },
      { Binding: POST, Location: input.sloUrl },
    ]);
    expect(children(sp, MD, "NameIDFormat")[0]?.text).toBe("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    expect(Object.fromEntries(children(sp, MD, "AssertionConsumerService")[0]?.attributes ?? [])).toEqual({
      Binding: POST,
      Location: input.acsUrl,
      index: "0",
      isDefault: "true",
    });
  });

  it("is not mistaken for IdP metadata", () => {
    expect(parseIdpMetadata(buildSpMetadata(input))).toEqual({
      ok: false,
      reason: expect.stringMatching(/no IDPSSODescriptor/),
    });
  });

  it("escapes every value so hostile input cannot inject markup", () => {
    const hostile = `https://sso.test/"><md:Evil x='1'/>&amp;\n`;
    const xml = buildSpMetadata({
      ...input,
      entityId: hostile,
      acsUrl: hostile,
      sloUrl: hostile,
      nameIdFormat: "<x>&",
    });
    expect(xml).not.toContain("<md:Evil");
    const root = tree(xml);
    expect(root.attributes.get("entityID")).toBe(hostile);
    const sp = root.children[0];
    expect(children(sp!, MD, "AssertionConsumerService")[0]?.attributes.get("Location")).toBe(hostile);
    expect(children(sp!, MD, "NameIDFormat")[0]?.text).toBe("<x>&");
  });

  it.each([
    [undefined, "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"],
    ["persistent", "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"],
    ["urn:example:custom", "urn:example:custom"],
  ])("maps nameIdFormat %j to %s", (format, urn) => {
    const root = tree(buildSpMetadata({ ...input, nameIdFormat: format }));
    expect(children(root.children[0]!, MD, "NameIDFormat")[0]?.text).toBe(urn);
  });

  it("writes the signing flags as given", () => {
    const sp = tree(buildSpMetadata({ ...input, wantAssertionsSigned: false, authnRequestsSigned: true })).children[0];
    expect(sp?.attributes.get("AuthnRequestsSigned")).toBe("true");
    expect(sp?.attributes.get("WantAssertionsSigned")).toBe("false");
  });

  it("lists no SingleLogoutService without an SLO URL (while single logout is not built)", () => {
    const sp = tree(buildSpMetadata({ ...input, sloUrl: null })).children[0]!;
    expect(children(sp, MD, "SingleLogoutService")).toEqual([]);
    expect(children(sp, MD, "AssertionConsumerService")).toHaveLength(1);
  });

  it("throws on an invalid certificate", () => {
    expect(() => buildSpMetadata({ ...input, encryptionCertificatePem: "nope" })).toThrow(/encryption certificate/);
  });

  it("escapeXml covers the five predefined entities and whitespace that attribute normalization would eat", () => {
    expect(escapeXml(`<a b="c" d='e'>&\r\n\t`)).toBe("&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;&#13;&#10;&#9;");
  });
});
