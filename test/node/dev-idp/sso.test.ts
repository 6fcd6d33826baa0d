import { createPrivateKey, createSign, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startDevIdp } from "../../../tools/dev-idp/index.mjs";
import {
  ASSERTION_SIGNATURE,
  NS,
  authnRequestXml,
  buttonValues,
  deflateBase64,
  makeKeyPair,
  only,
  parseXml,
  readForm,
  withTempDir,
  xmlsecVerifies,
} from "./helpers";

const idp = inject("devIdp");
const SP = { entityId: "https://sso.test/saml/conn_sso", acsUrl: "https://sso.test/saml/conn_sso/acs" };
const RELAY_STATE = 'rs_0123 & <odd> "chars"';

const request = (id: string, extra: { nameIdFormat?: string; forceAuthn?: boolean } = {}) =>
  authnRequestXml({ id, acsUrl: SP.acsUrl, issuer: SP.entityId, destination: idp.ssoUrl, ...extra });

/** Choose `email` on the login page and return the auto-post page's form. */
async function chooseUser(loginHtml: string, email: string) {
  const login = readForm(loginHtml);
  expect(login.action).toBe("/login");
  expect(buttonValues(loginHtml, "email")).toContain(email);
  const response = await fetch(new URL(login.action, idp.url), {
    method: "POST",
    body: new URLSearchParams({ ...login.fields, email }),
  });
  expect(response.status).toBe(200);
  const html = await response.text();
  expect(html).toMatch(/<button type="submit">/); // works without JavaScript
  return readForm(html);
}

async function expectSignedFor(samlResponse: string, requestId: string) {
  const xml = Buffer.from(samlResponse, "base64").toString("utf8");
  expect(await xmlsecVerifies(xml, idp.certificatePem, ASSERTION_SIGNATURE)).toBe(true);
  const document = parseXml(xml);
  expect(document.documentElement!.getAttribute("InResponseTo")).toBe(requestId);
  expect(document.documentElement!.getAttribute("Destination")).toBe(SP.acsUrl);
  expect(only(document, NS.assertion, "SubjectConfirmationData").getAttribute("InResponseTo")).toBe(requestId);
  expect(only(document, NS.assertion, "Audience").textContent).toBe(SP.entityId);
  return document;
}

describe("dev IdP SSO endpoint", () => {
  it("HTTP-Redirect: parses the AuthnRequest, shows the users, and auto-posts a signed response to the ACS", async () => {
    const url = new URL(idp.ssoUrl);
    url.searchParams.set("SAMLRequest", deflateBase64(request("_redirect1")));
    url.searchParams.set("RelayState", RELAY_STATE);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(SP.entityId);

    const post = await chooseUser(page, "jane@example.com");
    expect(post.method).toBe("post");
    expect(post.action).toBe(SP.acsUrl);
    expect(post.fields.RelayState).toBe(RELAY_STATE);
    await expectSignedFor(post.fields.SAMLResponse!, "_redirect1");
  });

  it("HTTP-POST: parses the AuthnRequest and honours its NameIDPolicy", async () => {
    const response = await fetch(idp.ssoUrl, {
      method: "POST",
      body: new URLSearchParams({
        SAMLRequest: Buffer.from(
          request("_post1", { nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", forceAuthn: true }),
        ).toString("base64"),
        RelayState: "rs_post",
      }),
    });
    expect(response.status).toBe(200);
    const post = await chooseUser(await response.text(), "jane@example.com");
    expect(post.action).toBe(SP.acsUrl);
    expect(post.fields.RelayState).toBe("rs_post");
    const document = await expectSignedFor(post.fields.SAMLResponse!, "_post1");
    const nameId = only(document, NS.assertion, "NameID");
    expect(nameId.getAttribute("Format")).toBe("urn:oasis:names:tc:SAML:2.0:nameid-format:persistent");
    expect(nameId.textContent).toMatch(/^p_[0-9a-f]{32}$/);
  });

  it("a pending login is used once", async () => {
    const url = `${idp.ssoUrl}?SAMLRequest=${encodeURIComponent(deflateBase64(request("_once")))}`;
    const login = readForm(await (await fetch(url)).text());
    const submit = () =>
      fetch(`${idp.url}/login`, {
        method: "POST",
        body: new URLSearchParams({ ...login.fields, email: "jane@example.com" }),
      });
    expect((await submit()).status).toBe(200);
    expect((await submit()).status).toBe(400);
  });

  it("autoLogin skips the login page; Accept: application/json answers with the fields", async () => {
    const url = new URL(idp.ssoUrl);
    url.searchParams.set("SAMLRequest", deflateBase64(request("_auto1")));
    url.searchParams.set("RelayState", "rs_auto");
    url.searchParams.set("autoLogin", "jane@example.com");
    const post = readForm(await (await fetch(url)).text());
    expect(post.action).toBe(SP.acsUrl);
    await expectSignedFor(post.fields.SAMLResponse!, "_auto1");

    const json = (await (await fetch(url, { headers: { accept: "application/json" } })).json()) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({
      acsUrl: SP.acsUrl,
      relayState: "rs_auto",
      request: { id: "_auto1", issuer: SP.entityId, binding: "redirect" },
    });
    await expectSignedFor(json.samlResponse as string, "_auto1");
  });

  it("refuses what is not an AuthnRequest with 400", async () => {
    expect((await fetch(idp.ssoUrl)).status).toBe(400);
    expect((await fetch(`${idp.ssoUrl}?SAMLRequest=not-deflate`)).status).toBe(400);
    const notRequest = deflateBase64(`<x xmlns="urn:oasis:names:tc:SAML:2.0:protocol"/>`);
    expect((await fetch(`${idp.ssoUrl}?SAMLRequest=${encodeURIComponent(notRequest)}`)).status).toBe(400);
    const doctype = Buffer.from(`<!DOCTYPE x [<!ENTITY e "e">]>${request("_dt")}`).toString("base64");
    expect(
      (await fetch(idp.ssoUrl, { method: "POST", body: new URLSearchParams({ SAMLRequest: doctype }) })).status,
    ).toBe(400);
  });
});

describe("startDevIdp options", () => {
  let instance: Awaited<ReturnType<typeof startDevIdp>>;
  let spPrivateKey: KeyObject;

  beforeAll(async () => {
    const spCertificatePem = await withTempDir(async (dir) => {
      const pair = await makeKeyPair(dir, "sp-signing");
      spPrivateKey = createPrivateKey(await readFile(pair.keyPath));
      return readFile(pair.certPath, "utf8");
    });
    instance = await startDevIdp({
      entityId: "urn:dev-idp:custom",
      users: [{ email: "bob@corp.test", firstName: "Bob", groups: ["ops", "admins"] }],
      spSigningCertificates: { [SP.entityId]: spCertificatePem },
    });
  });
  afterAll(() => instance?.close());

  function signedRedirectUrl(id: string, tamper = false): string {
    const sigAlg = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    const query =
      `SAMLRequest=${encodeURIComponent(deflateBase64(authnRequestXml({ id, acsUrl: SP.acsUrl, issuer: SP.entityId, destination: instance.ssoUrl })))}` +
      `&RelayState=rs_signed&SigAlg=${encodeURIComponent(sigAlg)}`;
    const signature = createSign("sha256").update(query).sign(spPrivateKey).toString("base64");
    return `${instance.ssoUrl}?${query.replace("rs_signed", tamper ? "rs_tampered" : "rs_signed")}&Signature=${encodeURIComponent(signature)}`;
  }

  it("uses the given entity ID and users", async () => {
    expect(instance.entityId).toBe("urn:dev-idp:custom");
    expect(instance.metadataXml).toContain(`entityID="urn:dev-idp:custom"`);
    const page = await (await fetch(signedRedirectUrl("_custom1"))).text();
    expect(buttonValues(page, "email")).toEqual(["bob@corp.test"]);
    const { xml } = await instance.sign({ acsUrl: SP.acsUrl, audience: SP.entityId, email: "bob@corp.test" });
    expect(xml).toContain(
      "<saml:AttributeValue>ops</saml:AttributeValue><saml:AttributeValue>admins</saml:AttributeValue>",
    );
    expect(await xmlsecVerifies(xml, instance.certificatePem, ASSERTION_SIGNATURE)).toBe(true);
  });

  it("checks an HTTP-Redirect signature when it knows the SP's certificate", async () => {
    const json = (await (
      await fetch(signedRedirectUrl("_signed1"), { headers: { accept: "application/json" } })
    ).json()) as {
      request: { redirectSignature: unknown };
    };
    expect(json.request.redirectSignature).toEqual({
      sigAlg: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
      verified: true,
    });
    expect((await fetch(signedRedirectUrl("_signed2", true))).status).toBe(400);
  });
});
