import { describe, expect, it } from "vitest";
import { normalizeCertificate } from "../../../src/saml/metadata/normalize-certificate";
import { parseIdpMetadata } from "../../../src/saml/metadata/parse-idp-metadata";
import adfs from "../../fixtures/idp-metadata/adfs.xml?raw";
import google from "../../fixtures/idp-metadata/google.xml?raw";
import jumpcloud from "../../fixtures/idp-metadata/jumpcloud.xml?raw";
import keycloak from "../../fixtures/idp-metadata/keycloak.xml?raw";
import okta from "../../fixtures/idp-metadata/okta.xml?raw";
import ping from "../../fixtures/idp-metadata/ping.xml?raw";

const EMAIL = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";
const REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";

/** The first X509Certificate text of a fixture, normalized independently of the parser. */
function firstCertificate(xml: string): string {
  const text = /X509Certificate>([^<]+)</.exec(xml)?.[1] ?? "";
  const normalized = normalizeCertificate(text);
  if (!normalized.ok) throw new Error(normalized.reason);
  return normalized.pem;
}

function parsed(xml: string) {
  const result = parseIdpMetadata(xml);
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result.value;
}

describe("parseIdpMetadata on real IdP metadata", () => {
  it("Okta (md: prefix, one line)", () => {
    const okta_ = parsed(okta);
    const sso = "https://trial-1022863.okta.com/app/trial-1022863_oktalocalhostbis_1/exkdoocxa1VmjpXmX697/sso/saml";
    expect(okta_).toEqual({
      entityId: "http://www.okta.com/exkdoocxa1VmjpXmX697",
      ssoUrls: { redirect: sso, post: sso },
      sloUrls: {},
      sloResponseUrls: {},
      signingCertificates: [firstCertificate(okta)],
      nameIdFormats: [EMAIL],
      wantAuthnRequestsSigned: false,
    });
  });

  it("Google (query string in entityID and URLs)", () => {
    const value = parsed(google);
    expect(value.entityId).toBe("https://accounts.google.com/o/saml2?idpid=C029op2ga");
    expect(value.ssoUrls).toEqual({
      redirect: "https://accounts.google.com/o/saml2/idp?idpid=C029op2ga",
      post: "https://accounts.google.com/o/saml2/idp?idpid=C029op2ga",
    });
    expect(value.signingCertificates).toEqual([firstCertificate(google)]);
    expect(value.nameIdFormats).toEqual([EMAIL]);
  });

  it("Entra ID / ADFS (default namespace, BOM, signed, WS-Fed RoleDescriptors ignored)", () => {
    const value = parsed(adfs);
    const url = "https://login.microsoftonline.com/a9054a0f-2011-4e31-b3ac-fd8c354146ec/saml2";
    expect(value.entityId).toBe("https://sts.windows.net/a9054a0f-2011-4e31-b3ac-fd8c354146ec/");
    expect(value.ssoUrls).toEqual({ redirect: url, post: url });
    expect(value.sloUrls).toEqual({ redirect: url });
    // The same certificate appears in the Signature, two RoleDescriptors and the IDPSSODescriptor.
    expect(value.signingCertificates).toHaveLength(1);
    expect(value.wantAuthnRequestsSigned).toBeUndefined();
  });

  it("Keycloak (SOAP and Artifact endpoints skipped, several NameID formats)", () => {
    const value = parsed(keycloak);
    const url = "http://localhost:8085/realms/master/protocol/saml";
    expect(value.entityId).toBe("http://localhost:8085/realms/master");
    expect(value.ssoUrls).toEqual({ redirect: url, post: url });
    expect(value.sloUrls).toEqual({ redirect: url, post: url });
    expect(value.wantAuthnRequestsSigned).toBe(true);
    expect(value.nameIdFormats).toEqual([
      "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
      "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
      "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
      EMAIL,
    ]);
    expect(value.signingCertificates).toEqual([firstCertificate(keycloak)]);
  });

  it("JumpCloud (POST only, indented certificate)", () => {
    const value = parsed(jumpcloud);
    expect(value.entityId).toBe("IdP Entity ID");
    expect(value.ssoUrls).toEqual({ post: "https://sso.jumpcloud.com/saml2/ucariontest" });
    expect(value.signingCertificates).toEqual([firstCertificate(jumpcloud)]);
  });

  it("PingOne (Location before Binding, SLO)", () => {
    const value = parsed(ping);
    const base = "https://auth.pingone.com/3030059e-440b-4ad0-9217-44326f1757f6/saml20/idp";
    expect(value.ssoUrls).toEqual({ redirect: `${base}/sso`, post: `${base}/sso` });
    expect(value.sloUrls).toEqual({ redirect: `${base}/slo`, post: `${base}/slo` });
    expect(value.signingCertificates.length).toBeGreaterThanOrEqual(1);
    expect(value.signingCertificates[0]).toBe(firstCertificate(ping));
  });
});

/** A certificate from a fixture, as bare base64, for hand-made documents. */
const CERT = firstCertificate(okta).replace(/-----[A-Z ]+-----|\s/g, "");

function idpDescriptor(prefix: string, opts: { keyUse?: string; extra?: string } = {}): string {
  const p = prefix ? `${prefix}:` : "";
  const use = opts.keyUse === undefined ? "" : ` use="${opts.keyUse}"`;
  return (
    `<${p}IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<${p}KeyDescriptor${use}><d:KeyInfo xmlns:d="${DS}"><d:X509Data><d:X509Certificate>${CERT}` +
    `</d:X509Certificate></d:X509Data></d:KeyInfo></${p}KeyDescriptor>${opts.extra ?? ""}` +
    `<${p}SingleSignOnService Binding="${REDIRECT}" Location="https://idp.example/sso?a=1&amp;b=2"/>` +
    `</${p}IDPSSODescriptor>`
  );
}

function entity(prefix: string, entityId: string, inner: string): string {
  const p = prefix ? `${prefix}:` : "";
  const xmlns = prefix ? `xmlns:${prefix}` : "xmlns";
  return `<${p}EntityDescriptor ${xmlns}="${MD}" entityID="${entityId}">${inner}</${p}EntityDescriptor>`;
}

function reason(xml: string): string {
  const result = parseIdpMetadata(xml);
  if (result.ok) throw new Error("expected a refusal");
  return result.reason;
}

describe("parseIdpMetadata edge cases", () => {
  it.each(["", "md", "ns2", "saml2md"])("matches elements by namespace with prefix %j", (prefix) => {
    const value = parsed(entity(prefix, "https://idp.example/&#x61;", idpDescriptor(prefix)));
    expect(value.entityId).toBe("https://idp.example/a");
    expect(value.ssoUrls).toEqual({ redirect: "https://idp.example/sso?a=1&b=2" });
    expect(value.signingCertificates).toEqual([firstCertificate(okta)]);
    expect(value.nameIdFormats).toEqual([]);
  });

  it("ignores elements with the right local name in another namespace", () => {
    const xml = `<EntityDescriptor xmlns="urn:example:not-saml" entityID="x">${idpDescriptor("")}</EntityDescriptor>`;
    expect(reason(xml)).toMatch(/not in the SAML metadata namespace/);
  });

  it("keeps KeyDescriptors without use, skips use=encryption, dedupes", () => {
    const twice = idpDescriptor("md", { keyUse: undefined }).replace(
      "<md:SingleSignOnService",
      `<md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="${DS}"><ds:X509Data><ds:X509Certificate>bogus` +
        `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
        `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="${DS}"><ds:X509Data><ds:X509Certificate>${CERT}` +
        `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:SingleSignOnService`,
    );
    expect(parsed(entity("md", "urn:idp", twice)).signingCertificates).toEqual([firstCertificate(okta)]);
  });

  it("reads an EntitiesDescriptor holding one IdP among SPs", () => {
    const sp = `<md:EntityDescriptor entityID="urn:sp"><md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></md:EntityDescriptor>`;
    const idp = `<md:EntityDescriptor entityID="urn:idp">${idpDescriptor("md")}</md:EntityDescriptor>`;
    const xml = `<md:EntitiesDescriptor xmlns:md="${MD}">${sp}<md:EntitiesDescriptor>${idp}</md:EntitiesDescriptor></md:EntitiesDescriptor>`;
    expect(parsed(xml).entityId).toBe("urn:idp");
  });

  it("refuses an EntitiesDescriptor with several IdPs", () => {
    const idp = (id: string) => `<md:EntityDescriptor entityID="${id}">${idpDescriptor("md")}</md:EntityDescriptor>`;
    const xml = `<md:EntitiesDescriptor xmlns:md="${MD}">${idp("urn:a")}${idp("urn:b")}</md:EntitiesDescriptor>`;
    expect(reason(xml)).toMatch(/holds 2 identity providers/);
  });

  it.each([
    [
      "a DOCTYPE",
      `<!DOCTYPE md [<!ENTITY x "y">]>${entity("md", "urn:idp", idpDescriptor("md"))}`,
      /DOCTYPE or ENTITY/,
    ],
    ["a lower-case doctype", `<!doctype md>${entity("md", "urn:idp", idpDescriptor("md"))}`, /DOCTYPE or ENTITY/],
    ["an undeclared entity", entity("md", "urn:&xxe;", idpDescriptor("md")), /unknown entity reference/],
    ["no IDPSSODescriptor", entity("md", "urn:sp", ""), /no IDPSSODescriptor/],
    ["malformed XML", `<md:EntityDescriptor xmlns:md="${MD}" entityID="x"><md:IDPSSODescriptor>`, /malformed XML/],
    ["mismatched tags", `<a><b></a></b>`, /malformed XML/],
    ["not XML", "this is not xml", /malformed XML|root element/],
    ["a missing entityID", entity("md", "", idpDescriptor("md")).replace(' entityID=""', ""), /no entityID/],
    ["an undeclared prefix", `<x:EntityDescriptor entityID="a"/>`, /undeclared namespace prefix "x"/],
    ["a wrong root", `<md:SPSSODescriptor xmlns:md="${MD}"/>`, /EntityDescriptor or EntitiesDescriptor/],
    [
      "a non-SAML2 IDPSSODescriptor",
      entity("md", "urn:idp", idpDescriptor("md").replace("SAML:2.0:protocol", "SAML:1.1:protocol")),
      /SAML 2\.0 protocol/,
    ],
    [
      "no usable SSO binding",
      entity("md", "urn:idp", idpDescriptor("md").replace(REDIRECT, "urn:oasis:names:tc:SAML:2.0:bindings:SOAP")),
      /no SingleSignOnService/,
    ],
    [
      "a javascript: SSO URL",
      entity(
        "md",
        "urn:idp",
        idpDescriptor("md").replace("https://idp.example/sso?a=1&amp;b=2", "javascript:alert(1)"),
      ),
      /not an http\(s\) URL/,
    ],
    [
      "no signing certificate",
      entity("md", "urn:idp", idpDescriptor("md", { keyUse: "encryption" })),
      /no signing certificate/,
    ],
    [
      "an invalid certificate",
      entity("md", "urn:idp", idpDescriptor("md").replace(CERT, "AAAA")),
      /certificate is invalid/,
    ],
    ["nesting deeper than 64 elements", `${"<a>".repeat(100)}${"</a>".repeat(100)}`, /malformed XML/],
    [
      "a document over 1 MiB",
      entity("md", "urn:idp", idpDescriptor("md") + `<!--${"x".repeat(1024 * 1024)}-->`),
      /limit is 1048576/,
    ],
  ])("refuses %s with a reason", (_name, xml, expected) => {
    expect(reason(xml)).toMatch(expected);
  });

  it("refuses non-string input", () => {
    expect(reason(undefined as unknown as string)).toMatch(/must be a string/);
  });
});
