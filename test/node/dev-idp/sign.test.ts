import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Element as XmlElement } from "@xmldom/xmldom";
import { describe, expect, inject, it } from "vitest";
import {
  ASSERTION_SIGNATURE,
  NS,
  RESPONSE_SIGNATURE,
  elements,
  makeKeyPair,
  only,
  parseXml,
  withTempDir,
  xmlsecVerifies,
} from "./helpers";

const execFileAsync = promisify(execFile);
const idp = inject("devIdp");
const SP = { entityId: "https://sso.test/saml/conn_test", acsUrl: "https://sso.test/saml/conn_test/acs" };

async function sign(body: Record<string, unknown>) {
  const response = await fetch(`${idp.url}/sign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ acsUrl: SP.acsUrl, audience: SP.entityId, email: "jane@example.com", ...body }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { samlResponse: string; assertionId: string; xml: string; error?: string },
  };
}

describe("dev IdP POST /sign", () => {
  it("signs the assertion by default, and xmlsec1 verifies it with the metadata certificate", async () => {
    const { status, body } = await sign({ inResponseTo: "_req1" });
    expect(status).toBe(200);
    expect(Buffer.from(body.samlResponse, "base64").toString("utf8")).toBe(body.xml);
    expect(await xmlsecVerifies(body.xml, idp.certificatePem, ASSERTION_SIGNATURE)).toBe(true);

    const document = parseXml(body.xml);
    const response = document.documentElement!;
    expect(response.localName).toBe("Response");
    expect(response.getAttribute("InResponseTo")).toBe("_req1");
    expect(response.getAttribute("Destination")).toBe(SP.acsUrl);
    expect(response.getAttribute("Version")).toBe("2.0");
    expect(elements(response, NS.dsig, "Signature")).toHaveLength(1);

    const assertion = only(document, NS.assertion, "Assertion");
    expect(assertion.getAttribute("ID")).toBe(body.assertionId);
    // The signature is the Assertion's direct child right after Issuer (SAML core 2.3.3).
    const children = Array.from(assertion.childNodes)
      .filter((n) => n.nodeType === 1)
      .map((n) => (n as XmlElement).localName);
    expect(children).toEqual(["Issuer", "Signature", "Subject", "Conditions", "AuthnStatement", "AttributeStatement"]);
    expect(only(assertion, NS.assertion, "Issuer").textContent).toBe(idp.entityId);
    const nameId = only(assertion, NS.assertion, "NameID");
    expect(nameId.textContent).toBe("jane@example.com");
    expect(nameId.getAttribute("Format")).toBe("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    const confirmation = only(assertion, NS.assertion, "SubjectConfirmationData");
    expect(confirmation.getAttribute("Recipient")).toBe(SP.acsUrl);
    expect(confirmation.getAttribute("InResponseTo")).toBe("_req1");
    expect(only(assertion, NS.assertion, "Audience").textContent).toBe(SP.entityId);
    const conditions = only(assertion, NS.assertion, "Conditions");
    const notBefore = Date.parse(conditions.getAttribute("NotBefore")!);
    const notOnOrAfter = Date.parse(conditions.getAttribute("NotOnOrAfter")!);
    expect(notBefore).toBeLessThanOrEqual(Date.now());
    expect(notOnOrAfter).toBeGreaterThan(Date.now());
    expect(only(assertion, NS.assertion, "AuthnContextClassRef").textContent).toBe(
      "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
    );
    const attributes = Object.fromEntries(
      elements(assertion, NS.assertion, "Attribute").map((a) => [
        a.getAttribute("Name"),
        elements(a, NS.assertion, "AttributeValue").map((v) => v.textContent),
      ]),
    );
    expect(attributes).toEqual({
      email: ["jane@example.com"],
      firstName: ["Jane"],
      lastName: ["Doe"],
      groups: ["engineering"],
    });
  });

  it("signs the Response, or both, or neither", async () => {
    const response = await sign({ sign: "response" });
    expect(await xmlsecVerifies(response.body.xml, idp.certificatePem, RESPONSE_SIGNATURE)).toBe(true);
    expect(elements(parseXml(response.body.xml), NS.dsig, "Signature")).toHaveLength(1);
    expect(parseXml(response.body.xml).documentElement!.hasAttribute("InResponseTo")).toBe(false);

    const both = await sign({ sign: "both", inResponseTo: "_req2" });
    expect(await xmlsecVerifies(both.body.xml, idp.certificatePem, RESPONSE_SIGNATURE)).toBe(true);
    expect(await xmlsecVerifies(both.body.xml, idp.certificatePem, ASSERTION_SIGNATURE)).toBe(true);

    const none = await sign({ sign: "none" });
    expect(elements(parseXml(none.body.xml), NS.dsig, "Signature")).toHaveLength(0);
  });

  it("takes every overridable field as given", async () => {
    const { body } = await sign({
      email: "someone@other.test",
      nameId: "00u1abc",
      nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
      attributes: { groups: ["a", "b"], role: ["admin"] },
      issueInstant: "2030-01-01T00:00:00Z",
      notBefore: "2030-01-01T00:00:00Z",
      notOnOrAfter: "2030-01-01T00:05:00Z",
      destination: null,
      recipient: "https://elsewhere.test/acs",
      issuer: "https://rogue-issuer.test",
      sessionNotOnOrAfter: null,
    });
    const document = parseXml(body.xml);
    const response = document.documentElement!;
    expect(response.hasAttribute("Destination")).toBe(false);
    expect(response.getAttribute("IssueInstant")).toBe("2030-01-01T00:00:00Z");
    expect(elements(document, NS.assertion, "Issuer").map((i) => i.textContent)).toEqual([
      "https://rogue-issuer.test",
      "https://rogue-issuer.test",
    ]);
    expect(only(document, NS.assertion, "NameID").textContent).toBe("00u1abc");
    expect(only(document, NS.assertion, "SubjectConfirmationData").getAttribute("Recipient")).toBe(
      "https://elsewhere.test/acs",
    );
    expect(only(document, NS.assertion, "Conditions").getAttribute("NotOnOrAfter")).toBe("2030-01-01T00:05:00Z");
    expect(only(document, NS.assertion, "AuthnStatement").hasAttribute("SessionNotOnOrAfter")).toBe(false);
    const names = elements(document, NS.assertion, "Attribute").map((a) => a.getAttribute("Name"));
    expect(names).toEqual(["email", "groups", "role"]);
    expect(await xmlsecVerifies(body.xml, idp.certificatePem, ASSERTION_SIGNATURE)).toBe(true);
  });

  it("signs with a rogue key on request, which the metadata certificate does not verify", async () => {
    const { body } = await sign({ signWith: "rogue" });
    expect(await xmlsecVerifies(body.xml, idp.certificatePem, ASSERTION_SIGNATURE)).toBe(false);
  });

  it("reports a non-Success status without an assertion", async () => {
    const { body } = await sign({
      statusCode: "urn:oasis:names:tc:SAML:2.0:status:Requester",
      statusMessage: "no such user",
    });
    const document = parseXml(body.xml);
    expect(only(document, NS.protocol, "StatusCode").getAttribute("Value")).toBe(
      "urn:oasis:names:tc:SAML:2.0:status:Requester",
    );
    expect(elements(document, NS.assertion, "Assertion")).toHaveLength(0);
  });

  it("refuses a malformed request with 400", async () => {
    expect((await sign({ acsUrl: 42 })).status).toBe(400);
    expect((await sign({ sign: "maybe" })).status).toBe(400);
    expect((await sign({ attributes: { groups: "not-an-array" } })).status).toBe(400);
  });

  it("encrypts the signed assertion for the SP certificate; the SP key decrypts it", async () => {
    await withTempDir(async (dir) => {
      const sp = await makeKeyPair(dir, "sp");
      for (const encryption of ["aes256-cbc", "aes128-gcm"]) {
        const { body } = await sign({
          encryptFor: await readFile(sp.certPath, "utf8"),
          encryption,
          inResponseTo: "_req3",
        });
        const encrypted = parseXml(body.xml);
        expect(elements(encrypted, NS.assertion, "Assertion")).toHaveLength(0);
        const encryptedAssertion = only(encrypted, NS.assertion, "EncryptedAssertion");
        expect(encryptedAssertion.parentNode).toBe(encrypted.documentElement);
        const method = only(
          encryptedAssertion,
          "http://www.w3.org/2001/04/xmlenc#",
          "EncryptedData",
        ).getElementsByTagNameNS("http://www.w3.org/2001/04/xmlenc#", "EncryptionMethod")[0]!;
        expect(method.getAttribute("Algorithm")).toMatch(new RegExp(`${encryption}$`));

        await writeFile(join(dir, "encrypted.xml"), body.xml);
        const { stdout } = await execFileAsync("xmlsec1", [
          "--decrypt",
          "--privkey-pem",
          sp.keyPath,
          join(dir, "encrypted.xml"),
        ]);
        const decrypted = parseXml(stdout);
        expect(only(decrypted, NS.assertion, "Assertion").getAttribute("ID")).toBe(body.assertionId);
        expect(await xmlsecVerifies(stdout, idp.certificatePem, ASSERTION_SIGNATURE)).toBe(true);
      }
    });
  });
});
