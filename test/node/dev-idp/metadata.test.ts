import { X509Certificate } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { NS, elements, only, parseXml } from "./helpers";

describe("dev IdP metadata", () => {
  const idp = inject("devIdp");

  it("is served at /metadata and equals the provided XML", async () => {
    const response = await fetch(`${idp.url}/metadata`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("xml");
    expect(await response.text()).toBe(idp.metadataXml);
  });

  it("names the entity ID, both SSO bindings and the signing certificate", () => {
    const document = parseXml(idp.metadataXml);
    const entity = document.documentElement!;
    expect(entity.namespaceURI).toBe(NS.metadata);
    expect(entity.localName).toBe("EntityDescriptor");
    expect(entity.getAttribute("entityID")).toBe(idp.entityId);
    expect(idp.entityId).toBe(`${idp.url}/metadata`);

    const descriptor = only(document, NS.metadata, "IDPSSODescriptor");
    expect(descriptor.getAttribute("protocolSupportEnumeration")).toBe("urn:oasis:names:tc:SAML:2.0:protocol");
    const services = elements(descriptor, NS.metadata, "SingleSignOnService").map((s) => [
      s.getAttribute("Binding"),
      s.getAttribute("Location"),
    ]);
    expect(services).toEqual([
      ["urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", idp.ssoUrl],
      ["urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", idp.ssoUrl],
    ]);

    const keyDescriptor = only(descriptor, NS.metadata, "KeyDescriptor");
    expect(keyDescriptor.getAttribute("use")).toBe("signing");
    const certificate = only(keyDescriptor, NS.dsig, "X509Certificate").textContent!;
    const fromMetadata = new X509Certificate(Buffer.from(certificate, "base64"));
    const provided = new X509Certificate(idp.certificatePem);
    expect(fromMetadata.fingerprint256).toBe(provided.fingerprint256);
    expect(provided.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});
