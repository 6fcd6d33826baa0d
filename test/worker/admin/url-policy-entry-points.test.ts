import { describe, expect, inject, it } from "vitest";
import {
  createOrg,
  createSamlConnection,
  expectProblem,
  expectStatus,
  get,
  idpCertificate,
  idpMetadataXml,
  patch,
  post,
} from "./helpers";

/**
 * Issue 10 hole 3: one outbound URL policy for every way a URL enters — a field, IdP
 * metadata XML (pasted, or read from a metadata URL), OIDC discovery, LDAP serverUri.
 * Each attack gets the refusal the field itself gets, and changes nothing.
 */
const HTTP_SSO = "http://idp.example.com/sso";
const NOT_HTTPS = "http://idp.example.com is not https://";

describe("one outbound URL policy at every entry point", () => {
  it("refuses an http:// SSO URL in metadata XML with the same error as the field", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const url = `organizations/${org.id}/connections/${c.id}`;

    const field = await patch(url, { saml: { idpSsoUrl: HTTP_SSO } });
    expectProblem(field, 400, "validation_failed");
    expect(field.body.errors).toEqual([{ path: "saml.idpSsoUrl", message: NOT_HTTPS }]);

    const xml = idpMetadataXml("https://idp.example.com/entity", await idpCertificate(), HTTP_SSO);
    const pasted = await post(`${url}/idp-metadata`, { metadataXml: xml });
    expectProblem(pasted, 400, "validation_failed");
    expect(pasted.body.errors).toEqual([{ path: "metadataXml", message: NOT_HTTPS }]);
    expect(pasted.body.detail).toBe(
      `The IdP metadata's SingleSignOnService is refused by the outbound URL policy: ${NOT_HTTPS}`,
    );

    const inField = await patch(url, { saml: { idpMetadataXml: xml } });
    expectProblem(inField, 400, "validation_failed");
    expect(inField.body.errors).toEqual([{ path: "saml.idpMetadataXml", message: NOT_HTTPS }]);

    // The seed-002 field shapes of idp-metadata go through the same policy.
    const fields = await post(`${url}/idp-metadata`, {
      idpEntityId: "https://idp.example.com/entity",
      idpSsoUrl: HTTP_SSO,
      idpCertificate: await idpCertificate(),
    });
    expect(fields.body.errors).toEqual([{ path: "idpSsoUrl", message: NOT_HTTPS }]);
    const seed000 = await post(`${url}/idp-metadata`, {
      identity_provider_url: HTTP_SSO,
      certificate: await idpCertificate(),
    });
    expect(seed000.body.errors).toEqual([{ path: "identity_provider_url", message: NOT_HTTPS }]);

    const saml = (await get(url)).body.saml;
    expect(saml.idpSsoUrl).toBeNull();
    expect(saml.idpMetadataXml).toBeNull();
  });

  it("refuses SSO and SLO URLs in metadata on private literals or with credentials", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const url = `organizations/${org.id}/connections/${c.id}/idp-metadata`;
    const certificate = await idpCertificate();
    const privateSso = await post(url, {
      metadataXml: idpMetadataXml("https://idp.example.com/entity", certificate, "https://10.0.0.8/sso"),
    });
    expectProblem(privateSso, 400, "validation_failed");
    expect(privateSso.body.errors).toEqual([
      { path: "metadataXml", message: "https://10.0.0.8 is a private or link-local address" },
    ]);
    const withCredentials = await post(url, {
      metadataXml: idpMetadataXml("https://idp.example.com/entity", certificate, "https://u:p@idp.example.com/sso"),
    });
    expect(withCredentials.body.errors).toEqual([
      { path: "metadataXml", message: "https://idp.example.com carries credentials in the URL" },
    ]);
    const privateSlo = await post(url, {
      metadataXml: idpMetadataXml("https://idp.example.com/entity", certificate).replace(
        "https://idp.example.com/slo",
        "https://169.254.169.254/slo",
      ),
    });
    expectProblem(privateSlo, 400, "validation_failed");
    expect(privateSlo.body.detail).toBe(
      "The IdP metadata's SingleLogoutService is refused by the outbound URL policy: https://169.254.169.254 is a private or link-local address",
    );
    // The same private SLO URL as a field: the same message.
    const field = await patch(`organizations/${org.id}/connections/${c.id}`, {
      saml: { idpSloUrl: "https://169.254.169.254/slo" },
    });
    expect(field.body.errors).toEqual([
      { path: "saml.idpSloUrl", message: "https://169.254.169.254 is a private or link-local address" },
    ]);
  });

  it("refuses metadata read from a metadata URL whose SSO URLs are http://, as the field", async () => {
    const server = inject("metadataServerUrl");
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const response = await post(`organizations/${org.id}/connections/${c.id}/idp-metadata`, {
      metadataUrl: `${server}/idp/insecure-sso.xml`,
    });
    expectProblem(response, 400, "validation_failed");
    expect(response.body.errors).toEqual([
      { path: "metadataUrl", message: "http://trial-1022863.okta.com is not https://" },
    ]);
    const saml = (await get(`organizations/${org.id}/connections/${c.id}`)).body.saml;
    expect(saml.idpMetadataUrl).toBeNull();
    expect(saml.idpSsoUrl).toBeNull();
  });

  it("refuses OIDC fields and a discovery document naming an http:// token endpoint", async () => {
    const server = inject("metadataServerUrl");
    const org = await createOrg();
    const fields = await post(`organizations/${org.id}/connections`, {
      type: "oidc",
      oidc: { issuer: "http://idp.example.com", tokenEndpoint: "https://10.1.2.3/token" },
    });
    expectProblem(fields, 400, "validation_failed");
    expect(fields.body.errors).toEqual([
      { path: "oidc.issuer", message: NOT_HTTPS },
      { path: "oidc.tokenEndpoint", message: "https://10.1.2.3 is a private or link-local address" },
    ]);

    const created = await post(`organizations/${org.id}/connections`, {
      type: "oidc",
      oidc: { issuer: `${server}/oidc-insecure`, clientId: "a", clientSecret: "b" },
    });
    expectStatus(created, 201);
    const activation = await post(`organizations/${org.id}/connections/${created.body.id}/activate`);
    expectProblem(activation, 409, "connection_incomplete");
    expect(activation.body.errors).toEqual([
      {
        path: "oidc.issuer",
        message: `discovery at ${server}/oidc-insecure failed: the document's token_endpoint is refused: ${NOT_HTTPS}`,
      },
    ]);
    // An explicit tokenEndpoint replaces the discovered one, and then discovery passes.
    const overridden = await patch(`organizations/${org.id}/connections/${created.body.id}`, {
      oidc: { tokenEndpoint: `${server}/oidc-insecure/token` },
    });
    expectStatus(overridden, 200);
    expectStatus(await post(`organizations/${org.id}/connections/${created.body.id}/activate`), 200);
  });

  it("refuses an LDAP serverUri on a private literal, or plain ldap:// off loopback, when saved", async () => {
    const org = await createOrg();
    const privateLiteral = await post(`organizations/${org.id}/connections`, {
      type: "ldap",
      ldap: { serverUri: "ldaps://10.0.0.1", baseDn: "dc=x" },
    });
    expectProblem(privateLiteral, 400, "validation_failed");
    expect(privateLiteral.body.errors).toEqual([
      { path: "ldap.serverUri", message: "ldaps://10.0.0.1:636 is a private or link-local address" },
    ]);
    const plain = await post(`organizations/${org.id}/connections`, {
      type: "ldap",
      ldap: { serverUri: "ldap://ldap.example.com", baseDn: "dc=x" },
    });
    expect(plain.body.errors).toEqual([
      {
        path: "ldap.serverUri",
        message: "ldap://ldap.example.com:389 is not encrypted: credentials would cross the network in clear",
      },
    ]);
    const startTls = await post(`organizations/${org.id}/connections`, {
      type: "ldap",
      ldap: { serverUri: "ldap://ldap.example.com", startTls: true, baseDn: "dc=x" },
    });
    expectStatus(startTls, 201);
    // Turning StartTLS off later is the same refusal.
    const off = await patch(`organizations/${org.id}/connections/${startTls.body.id}`, { ldap: { startTls: false } });
    expectProblem(off, 400, "validation_failed");
    expect(off.body.errors[0].path).toBe("ldap.serverUri");
  });

  it("refuses a webhook URL on a private literal with the policy's message", async () => {
    const response = await post("webhooks", { url: "https://192.168.1.5/hook", events: ["*"] });
    expectProblem(response, 400, "validation_failed");
    expect(response.body.errors).toEqual([
      { path: "url", message: "https://192.168.1.5 is a private or link-local address" },
    ]);
  });
});
