/** SPEC §2 "Connection fields", "What contacts the IdP", §8: the connection routes. */
import { describe, expect, inject, it } from "vitest";
import oktaMetadata from "../../fixtures/idp-metadata/okta.xml?raw";
import { generateSpKeyPair } from "../../../src/crypto/sp-keys";
import { BUILT } from "../../../src/features";
import {
  BASE,
  call,
  completeSamlFields,
  createOrg,
  createSamlConnection,
  del,
  expectProblem,
  expectStatus,
  get,
  idpCertificate,
  idpMetadataXml,
  mintKey,
  oidcFieldsWithEndpoints,
  patch,
  post,
  uniqueDomain,
} from "./helpers";

const OKTA_ENTITY_ID = "http://www.okta.com/exkdoocxa1VmjpXmX697";
const OKTA_SSO_URL =
  "https://trial-1022863.okta.com/app/trial-1022863_oktalocalhostbis_1/exkdoocxa1VmjpXmX697/sso/saml";
const oktaCertificateBody = () =>
  /<ds:X509Certificate>([\s\S]*?)<\/ds:X509Certificate>/.exec(oktaMetadata)![1]!.replace(/\s+/g, "");
const pemBody = (pem: string) => pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");

describe("POST …/connections", () => {
  it("creates a SAML draft with SP URLs, generated SP certificates and the SPEC defaults", async () => {
    const org = await createOrg();
    const response = await post(`organizations/${org.id}/connections`, { type: "saml" });
    expectStatus(response, 201);
    const c = response.body;
    expect(c.id).toMatch(new RegExp(`^conn_${org.id.slice(4)}[0-9a-z]{12}$`));
    const base = `${BASE}/saml/${c.id}`;
    expect(c).toMatchObject({
      organizationId: org.id,
      type: "saml",
      name: "Generic SAML",
      provider: "Generic",
      state: "draft",
      domains: [],
      allowAnyEmailDomain: false,
      idpInitiatedClientId: null,
      idpInitiatedRedirectUri: null,
      oidc: null,
      ldap: null,
      sp: {
        entityId: base,
        acsUrl: `${base}/acs`,
        sloUrl: BUILT.logout ? `${base}/slo` : null,
        metadataUrl: `${base}/metadata`,
      },
      saml: {
        idpEntityId: null,
        idpSsoUrl: null,
        idpCertificates: [],
        nameIdFormat: "unspecified",
        signAuthnRequests: false,
        wantAssertionsSigned: true,
        wantResponseSigned: false,
        allowIdpInitiated: false,
        allowSha1: false,
        clockSkewSeconds: 60,
        forceAuthn: false,
        acsUrlOverride: null,
      },
    });
    expect(c.sp.signingCertificate).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(c.sp.encryptionCertificate).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(c.sp.signingCertificate).not.toBe(c.sp.encryptionCertificate);
    expect(await get(`organizations/${org.id}/connections/${c.id}`).then((r) => r.body)).toEqual(c);
  });

  it("takes the common fields and a type block; OIDC and LDAP drafts show secrets only as …Set flags", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    const saml = await createSamlConnection(org.id, {
      name: "Okta prod",
      provider: "Okta",
      domains: domain.toUpperCase(),
      allowAnyEmailDomain: true,
      saml: { nameIdFormat: "emailAddress", clockSkewSeconds: 180, attributeMapping: { email: "mail" } },
    });
    expect(saml).toMatchObject({
      name: "Okta prod",
      provider: "Okta",
      domains: [domain],
      allowAnyEmailDomain: true,
      saml: { nameIdFormat: "emailAddress", clockSkewSeconds: 180, attributeMapping: { email: "mail" } },
    });
    const oidc = await post(`organizations/${org.id}/connections`, {
      type: "oidc",
      oidc: { issuer: "https://login.example.com", clientId: "abc", clientSecret: "s3cret", scopes: "email" },
    });
    expectStatus(oidc, 201);
    expect(oidc.body).toMatchObject({
      type: "oidc",
      name: "Generic OIDC",
      saml: null,
      oidc: {
        issuer: "https://login.example.com",
        clientId: "abc",
        clientSecretSet: true,
        scopes: "openid email",
        emailVerifiedRequired: true,
        tokenEndpointAuthMethod: "client_secret_basic",
      },
    });
    expect(oidc.body.oidc).not.toHaveProperty("clientSecret");
    const ldap = await post(`organizations/${org.id}/connections`, {
      type: "ldap",
      ldap: {
        serverUri: "ldaps://ldap.example.com:636",
        bindDn: "cn=admin",
        bindPassword: "pw",
        baseDn: "dc=example,dc=com",
      },
    });
    expectStatus(ldap, 201);
    expect(ldap.body.ldap).toEqual({
      serverUri: "ldaps://ldap.example.com:636",
      startTls: false,
      bindDn: "cn=admin",
      baseDn: "dc=example,dc=com",
      scope: 2,
      searchFilter: "(mail=%(user)s)",
      attributeMapping: {},
      bindPasswordSet: true,
    });
  });

  it("refuses bad bodies with 400 validation_failed naming the field", async () => {
    const org = await createOrg();
    const cases: [unknown, string][] = [
      [{}, "type"],
      [{ type: "kerberos" }, "type"],
      [{ type: "saml", oidc: { clientId: "x" } }, "oidc"],
      [{ type: "saml", saml: { idpSsoUrl: "http://idp.example.com/sso" } }, "saml.idpSsoUrl"],
      [{ type: "saml", saml: { clockSkewSeconds: 181 } }, "saml.clockSkewSeconds"],
      [{ type: "saml", saml: { nameIdFormat: "email" } }, "saml.nameIdFormat"],
      [{ type: "saml", saml: { unknownSetting: true } }, "saml.unknownSetting"],
      [{ type: "saml", saml: { idpCertificates: ["not a certificate"] } }, "saml.idpCertificates.0"],
      [{ type: "saml", provider: "Auth0" }, "provider"],
      [{ type: "ldap", ldap: { searchFilter: "(mail=x)" } }, "ldap.searchFilter"],
      [{ type: "saml", domains: [uniqueDomain()] }, "domains"],
      [{ type: "saml", idpInitiatedRedirectUri: "javascript:alert(1)" }, "idpInitiatedRedirectUri"],
      [{ type: "saml", idpInitiatedRedirectUri: "http://app.example.com/landing" }, "idpInitiatedRedirectUri"],
    ];
    for (const [body, path] of cases) {
      const response = await post(`organizations/${org.id}/connections`, body);
      expectProblem(response, 400, "validation_failed");
      expect(
        response.body.errors.map((e: { path: string }) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    expect((await get(`organizations/${org.id}/connections`)).body.data).toEqual([]);
  });

  it("accepts an uploaded SP key pair and refuses a mismatched one", async () => {
    const org = await createOrg();
    const [a, b] = await Promise.all([generateSpKeyPair({ commonName: "a" }), generateSpKeyPair({ commonName: "b" })]);
    const custom = await createSamlConnection(org.id, {
      saml: { spSigningKeyPair: { privateKey: a.privateKeyPem, certificate: a.certificatePem } },
    });
    expect(pemBody(custom.sp.signingCertificate!)).toBe(pemBody(a.certificatePem));
    const mismatched = await post(`organizations/${org.id}/connections`, {
      type: "saml",
      saml: { spEncryptionKeyPair: { privateKey: a.privateKeyPem, certificate: b.certificatePem } },
    });
    expectProblem(mismatched, 400, "validation_failed");
    expect(mismatched.body.errors[0].path).toBe("saml.spEncryptionKeyPair");
  });

  it("answers 404 for an unknown org", async () => {
    expectProblem(
      await post("organizations/org_00000000000000000000000000/connections", { type: "saml" }),
      404,
      "not_found",
    );
  });
});

describe("GET …/connections", () => {
  it("lists with the type and state filters and pages", async () => {
    const org = await createOrg();
    const s1 = await createSamlConnection(org.id, { saml: await completeSamlFields() });
    const s2 = await createSamlConnection(org.id);
    const o1 = await post(`organizations/${org.id}/connections`, { type: "oidc" });
    await post(`organizations/${org.id}/connections/${s1.id}/activate`);
    const ids = async (query: string) =>
      (await get(`organizations/${org.id}/connections${query}`)).body.data.map((c: { id: string }) => c.id);
    expect(await ids("")).toEqual([s1.id, s2.id, o1.body.id]);
    expect(await ids("?type=saml")).toEqual([s1.id, s2.id]);
    expect(await ids("?type=oidc")).toEqual([o1.body.id]);
    expect(await ids("?state=active")).toEqual([s1.id]);
    expect(await ids("?type=saml&state=draft")).toEqual([s2.id]);
    const page1 = await get(`organizations/${org.id}/connections?limit=2`);
    expect(page1.body.nextCursor).toBe(s2.id);
    const page2 = await get(`organizations/${org.id}/connections?limit=2&after=${page1.body.nextCursor}`);
    expect(page2.body).toMatchObject({ data: [{ id: o1.body.id }], nextCursor: null });
    expectProblem(await get(`organizations/${org.id}/connections?type=x`), 400, "validation_failed");
    expectProblem(await get(`organizations/${org.id}/connections?state=deleted`), 400, "validation_failed");
  });

  it("answers 404 for an unknown connection, or one of another org", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const foreign = await createSamlConnection(other.id);
    expectProblem(await get(`organizations/${org.id}/connections/${foreign.id}`), 404, "not_found");
    expectProblem(await get(`organizations/${org.id}/connections/conn_nope`), 404, "not_found");
    expectProblem(await patch(`organizations/${org.id}/connections/${foreign.id}`, { name: "x" }), 404, "not_found");
    expectProblem(await post(`organizations/${org.id}/connections/${foreign.id}/activate`), 404, "not_found");
    expectProblem(await del(`organizations/${org.id}/connections/${foreign.id}`), 404, "not_found");
  });
});

describe("PATCH …/connections/{connId}", () => {
  it("changes the given fields only and never contacts the IdP", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    const c = await createSamlConnection(org.id);
    const response = await patch(`organizations/${org.id}/connections/${c.id}`, {
      name: "Renamed",
      provider: "Azure",
      domains: [domain],
      saml: {
        idpEntityId: "https://sts.windows.net/x/",
        wantResponseSigned: true,
        acsUrlOverride: "https://app.example.com/acs",
        idpMetadataUrl: "https://unreachable.invalid/metadata",
      },
    });
    expectStatus(response, 200);
    expect(response.body).toMatchObject({
      name: "Renamed",
      provider: "Azure",
      domains: [domain],
      state: "draft",
      saml: {
        idpEntityId: "https://sts.windows.net/x/",
        wantResponseSigned: true,
        wantAssertionsSigned: true,
        idpSsoUrl: null,
        acsUrlOverride: "https://app.example.com/acs",
      },
      sp: { acsUrl: "https://app.example.com/acs" },
    });
    expect(response.body.updatedAt >= c.updatedAt).toBe(true);
    const cleared = await patch(`organizations/${org.id}/connections/${c.id}`, { saml: { acsUrlOverride: null } });
    expect(cleared.body.sp.acsUrl).toBe(`${BASE}/saml/${c.id}/acs`);
  });

  it("normalizes IdP certificates given as CRLF PEM, one-line PEM, bare base64 DER or base64 of PEM", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const pem = await idpCertificate();
    const body = pemBody(pem);
    const shapes = [
      pem.replace(/\n/g, "\r\n"),
      `-----BEGIN CERTIFICATE-----${body}-----END CERTIFICATE-----`,
      body,
      btoa(pem),
    ];
    for (const shape of shapes) {
      const response = await patch(`organizations/${org.id}/connections/${c.id}`, {
        saml: { idpCertificates: [shape] },
      });
      expectStatus(response, 200);
      expect(response.body.saml.idpCertificates).toEqual([pem.trim() + "\n"].map((p) => p.replace(/\n+$/, "\n")));
    }
    const bad = await patch(`organizations/${org.id}/connections/${c.id}`, {
      saml: { idpCertificates: [pem, "bm90IGEgY2VydA=="] },
    });
    expectProblem(bad, 400, "validation_failed");
    expect(bad.body.errors).toEqual([{ path: "saml.idpCertificates.1", message: expect.any(String) }]);
  });

  it("refuses another type's block, foreign domains and unknown fields", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const url = `organizations/${org.id}/connections/${c.id}`;
    expectProblem(await patch(url, { oidc: { clientId: "x" } }), 400, "validation_failed");
    expectProblem(await patch(url, { domains: [uniqueDomain()] }), 400, "validation_failed");
    expectProblem(await patch(url, { type: "oidc" }), 400, "validation_failed");
    expectProblem(await patch(url, { state: "active" }), 400, "validation_failed");
    expect((await get(url)).body.state).toBe("draft");
  });
});

describe("POST …/idp-metadata", () => {
  it("reads metadata XML: entity ID, SSO URL (redirect binding preferred), signing certificates; keeps the XML", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const response = await post(`organizations/${org.id}/connections/${c.id}/idp-metadata`, {
      metadataXml: oktaMetadata,
    });
    expectStatus(response, 200);
    expect(response.body.saml).toMatchObject({
      idpEntityId: OKTA_ENTITY_ID,
      idpSsoUrl: OKTA_SSO_URL,
      idpSsoBinding: "redirect",
      idpMetadataXml: oktaMetadata,
    });
    expect(response.body.saml.idpCertificates).toHaveLength(1);
    expect(pemBody(response.body.saml.idpCertificates[0])).toBe(oktaCertificateBody());
    expectStatus(await post(`organizations/${org.id}/connections/${c.id}/activate`), 200);
  });

  it("reads a POST-only IdP and its SLO URL", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const xml = idpMetadataXml(
      "https://idp.example.com/post-only",
      await idpCertificate(),
      "https://idp.example.com/sso-post",
    );
    const response = await post(`organizations/${org.id}/connections/${c.id}/idp-metadata`, { metadataXml: xml });
    expectStatus(response, 200);
    expect(response.body.saml).toMatchObject({
      idpEntityId: "https://idp.example.com/post-only",
      idpSsoUrl: "https://idp.example.com/sso-post",
      idpSsoBinding: "post",
      idpSloUrl: "https://idp.example.com/slo",
      idpSloBinding: "redirect",
    });
    // An IdP whose SingleLogoutService is HTTP-POST only: the binding follows (SPEC §9 idpSloBinding).
    const postSlo = xml.replace(
      'SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/slo"',
      'SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/slo-post"',
    );
    const again = await post(`organizations/${org.id}/connections/${c.id}/idp-metadata`, { metadataXml: postSlo });
    expectStatus(again, 200);
    expect(again.body.saml).toMatchObject({
      idpSloUrl: "https://idp.example.com/slo-post",
      idpSloBinding: "post",
      idpSloResponseUrl: null,
    });
    // A ResponseLocation (metadata §2.2.2) is where our LogoutResponses go; setting the SLO URL by hand drops it.
    const withResponse = xml.replace(
      'Location="https://idp.example.com/slo"',
      'Location="https://idp.example.com/slo" ResponseLocation="https://idp.example.com/slo-done"',
    );
    const third = await post(`organizations/${org.id}/connections/${c.id}/idp-metadata`, { metadataXml: withResponse });
    expectStatus(third, 200);
    expect(third.body.saml).toMatchObject({
      idpSloUrl: "https://idp.example.com/slo",
      idpSloResponseUrl: "https://idp.example.com/slo-done",
    });
    const byHand = await patch(`organizations/${org.id}/connections/${c.id}`, {
      saml: { idpSloUrl: "https://idp.example.com/slo-2" },
    });
    expectStatus(byHand, 200);
    expect(byHand.body.saml).toMatchObject({ idpSloUrl: "https://idp.example.com/slo-2", idpSloResponseUrl: null });
    const refused = await post(`organizations/${org.id}/connections/${c.id}/idp-metadata`, {
      metadataXml: xml.replace(
        'Location="https://idp.example.com/slo"',
        'Location="https://idp.example.com/slo" ResponseLocation="https://10.0.0.1/slo"',
      ),
    });
    expectStatus(refused, 400);
  });

  it("refuses a DOCTYPE, malformed XML and metadata without what a login needs, changing nothing", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const url = `organizations/${org.id}/connections/${c.id}/idp-metadata`;
    const doctype = `<?xml version="1.0"?><!DOCTYPE md [<!ENTITY x "y">]>${oktaMetadata.replace(/^<\?xml[^>]*\?>/, "")}`;
    const noCert = oktaMetadata.replace(/<md:KeyDescriptor[\s\S]*?<\/md:KeyDescriptor>/g, "");
    for (const metadataXml of [doctype, "<md:EntityDescriptor", "not xml at all", noCert, "<a/>"]) {
      const response = await post(url, { metadataXml });
      expectProblem(response, 400, "validation_failed");
      expect(response.body.errors[0].path).toBe("metadataXml");
    }
    expect((await get(`organizations/${org.id}/connections/${c.id}`)).body.saml.idpEntityId).toBeNull();
  });

  it("takes the seed 002 fields (idpEntityId, idpSsoUrl, idpCertificate, provider)", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const response = await post(`organizations/${org.id}/connections/${c.id}/idp-metadata`, {
      idpEntityId: "https://idp.example.com/e",
      idpSsoUrl: "https://idp.example.com/sso",
      idpCertificate: btoa(await idpCertificate()),
      provider: "OneLogin",
    });
    expectStatus(response, 200);
    expect(response.body).toMatchObject({
      provider: "OneLogin",
      saml: {
        idpEntityId: "https://idp.example.com/e",
        idpSsoUrl: "https://idp.example.com/sso",
        idpCertificates: [await idpCertificate()],
      },
    });
    const badCert = await post(`organizations/${org.id}/connections/${c.id}/idp-metadata`, {
      idpEntityId: "https://idp.example.com/e",
      idpSsoUrl: "https://idp.example.com/sso",
      idpCertificate: "abc",
    });
    expectProblem(badCert, 400, "validation_failed");
    expect(badCert.body.errors[0].path).toMatch(/^idpCertificate/);
  });

  it("fetches metadata from a URL (a real loopback server) and records the URL", async () => {
    const server = inject("metadataServerUrl");
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const response = await post(`organizations/${org.id}/connections/${c.id}/idp-metadata`, {
      metadataUrl: `${server}/idp/okta.xml`,
    });
    expectStatus(response, 200);
    expect(response.body.saml).toMatchObject({
      idpEntityId: OKTA_ENTITY_ID,
      idpSsoUrl: OKTA_SSO_URL,
      idpMetadataUrl: `${server}/idp/okta.xml`,
      idpMetadataXml: oktaMetadata,
    });
  });

  it("answers 400 naming metadataUrl when the URL fails, is not XML metadata, or is not https", async () => {
    const server = inject("metadataServerUrl");
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const url = `organizations/${org.id}/connections/${c.id}/idp-metadata`;
    for (const metadataUrl of [
      `${server}/idp/missing.xml`,
      `${server}/idp/doctype.xml`,
      "http://127.0.0.1:1/metadata",
      "http://idp.example.com/metadata",
      "ftp://x.example/m",
    ]) {
      const response = await post(url, { metadataUrl });
      expectProblem(response, 400, "validation_failed");
      expect(response.body.errors.length, metadataUrl).toBeGreaterThan(0);
    }
    const missing = await post(url, { metadataUrl: `${server}/idp/missing.xml` });
    expect(missing.body.errors).toEqual([{ path: "metadataUrl", message: "HTTP 404" }]);
    expect((await get(`organizations/${org.id}/connections/${c.id}`)).body.saml.idpMetadataUrl).toBeNull();
  });

  it("follows a redirect to https or loopback, refuses one to plain http, and stops redirect loops", async () => {
    const server = inject("metadataServerUrl");
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const url = `organizations/${org.id}/connections/${c.id}/idp-metadata`;
    const followed = await post(url, { metadataUrl: `${server}/idp/redirect.xml` });
    expectStatus(followed, 200);
    expect(followed.body.saml).toMatchObject({
      idpEntityId: OKTA_ENTITY_ID,
      idpMetadataUrl: `${server}/idp/redirect.xml`,
    });
    const insecure = await post(url, { metadataUrl: `${server}/idp/redirect-insecure.xml` });
    expectProblem(insecure, 400, "validation_failed");
    expect(insecure.body.errors[0].message).toMatch(/^redirected: .* is not https:\/\//);
    const loop = await post(url, { metadataUrl: `${server}/idp/redirect-loop.xml` });
    expectProblem(loop, 400, "validation_failed");
    expect(loop.body.errors).toEqual([{ path: "metadataUrl", message: "too many redirects" }]);
  });

  it("takes exactly one of the three shapes, and only for SAML connections", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const url = `organizations/${org.id}/connections/${c.id}/idp-metadata`;
    expectProblem(await post(url, {}), 400, "validation_failed");
    expectProblem(
      await post(url, { metadataXml: oktaMetadata, metadataUrl: "https://idp.example.com/m" }),
      400,
      "validation_failed",
    );
    expectProblem(
      await post(url, { idpEntityId: "x", idpSsoUrl: "https://idp.example.com/sso" }),
      400,
      "validation_failed",
    );
    const oidc = await post(`organizations/${org.id}/connections`, { type: "oidc" });
    expectProblem(
      await post(`organizations/${org.id}/connections/${oidc.body.id}/idp-metadata`, { metadataXml: oktaMetadata }),
      400,
      "validation_failed",
    );
  });
});

describe("activate / deactivate / delete", () => {
  it("409 connection_incomplete names every missing SAML field, then only what is still missing", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const url = `organizations/${org.id}/connections/${c.id}`;
    const all = await post(`${url}/activate`);
    expectProblem(all, 409, "connection_incomplete");
    expect(all.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "saml.idpEntityId",
      "saml.idpSsoUrl",
      "saml.idpCertificates",
    ]);
    expect(all.body.detail).toContain("saml.idpEntityId");
    await patch(url, { saml: { idpEntityId: "https://idp.example.com/e", idpSsoUrl: "https://idp.example.com/sso" } });
    const some = await post(`${url}/activate`);
    expectProblem(some, 409, "connection_incomplete");
    expect(some.body.errors).toEqual([{ path: "saml.idpCertificates", message: "is required to activate" }]);
    expect((await get(url)).body.state).toBe("draft");
  });

  it("activates, is idempotent, deactivates to inactive, and reactivates", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id, { saml: await completeSamlFields() });
    const url = `organizations/${org.id}/connections/${c.id}`;
    expect((await post(`${url}/activate`)).body.state).toBe("active");
    expectStatus(await post(`${url}/activate`), 200);
    const off = await post(`${url}/deactivate`);
    expectStatus(off, 200);
    expect(off.body.state).toBe("inactive");
    expect((await post(`${url}/deactivate`)).body.state).toBe("inactive");
    expect((await post(`${url}/activate`)).body.state).toBe("active");
  });

  it("OIDC: names missing client fields; checks discovery at a real loopback issuer", async () => {
    const server = inject("metadataServerUrl");
    const org = await createOrg();
    const create = (oidc: Record<string, unknown>) =>
      post(`organizations/${org.id}/connections`, { type: "oidc", oidc });
    const empty = await create({});
    const missing = await post(`organizations/${org.id}/connections/${empty.body.id}/activate`);
    expectProblem(missing, 409, "connection_incomplete");
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "oidc.issuer",
      "oidc.clientId",
      "oidc.clientSecret",
    ]);

    const wrongIssuer = await create({ issuer: `${server}/oidc-wrong`, clientId: "a", clientSecret: "b" });
    const mismatch = await post(`organizations/${org.id}/connections/${wrongIssuer.body.id}/activate`);
    expectProblem(mismatch, 409, "connection_incomplete");
    expect(mismatch.body.errors).toEqual([
      {
        path: "oidc.issuer",
        message: `discovery at ${server}/oidc-wrong failed: the document names issuer "https://someone-else.example", not this one`,
      },
    ]);

    // An unreachable issuer (issue 16 item 9): a real JSON path, the reason in plain words,
    // no workerd-internal error id; the detail repeats it.
    const unreachable = await create({ issuer: "http://127.0.0.1:1/oidc", clientId: "a", clientSecret: "b" });
    const failed = await post(`organizations/${org.id}/connections/${unreachable.body.id}/activate`);
    expectProblem(failed, 409, "connection_incomplete");
    expect(failed.body.errors).toHaveLength(1);
    expect(failed.body.errors[0].path).toBe("oidc.issuer");
    expect(failed.body.errors[0].message).toMatch(/^discovery at http:\/\/127\.0\.0\.1:1\/oidc failed: no answer: \w/);
    expect(failed.text).not.toMatch(/reference\s*=|internal error/i);
    expect(failed.body.detail).toBe(
      `The connection cannot be activated: oidc.issuer: ${failed.body.errors[0].message}.`,
    );
    // An org-scoped key gets one generic text for the host (SPEC §2: outbound failure detail is app-wide only).
    const { key } = await mintKey(`organization:${org.id}`);
    const scoped = await post(`organizations/${org.id}/connections/${unreachable.body.id}/activate`, {}, { key });
    expect(scoped.body.errors).toEqual([
      { path: "oidc.issuer", message: "discovery at http://127.0.0.1:1/oidc failed: 127.0.0.1:1 could not be reached" },
    ]);

    const notFound = await create({ issuer: `${server}/nothing`, clientId: "a", clientSecret: "b" });
    const http404 = await post(`organizations/${org.id}/connections/${notFound.body.id}/activate`);
    expect(http404.body.errors).toEqual([
      { path: "oidc.issuer", message: `discovery at ${server}/nothing failed: it answered HTTP 404` },
    ]);

    const good = await create({ issuer: `${server}/oidc`, clientId: "a", clientSecret: "b" });
    const activated = await post(`organizations/${org.id}/connections/${good.body.id}/activate`);
    expectStatus(activated, 200);
    expect(activated.body.state).toBe("active");
    expect((await get(`organizations/${org.id}`)).body.activeSso).toBe("oidc");
  });

  it("OIDC with every endpoint given activates without discovery", async () => {
    const org = await createOrg();
    const oidc = await post(`organizations/${org.id}/connections`, { type: "oidc", oidc: oidcFieldsWithEndpoints() });
    expectStatus(await post(`organizations/${org.id}/connections/${oidc.body.id}/activate`), 200);
  });

  it("deletes: 204, then 404, and the public metadata is gone", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const url = `organizations/${org.id}/connections/${c.id}`;
    expectStatus(await del(url), 204);
    expectProblem(await get(url), 404, "not_found");
    expectProblem(await del(url), 404, "not_found");
    expectProblem(await get(`/saml/${c.id}/metadata`, { key: null }), 404, "not_found");
  });
});

describe("SP metadata", () => {
  it("sp-metadata JSON gives the SP details of SPEC §7 seeds 000 and 002", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id, { saml: { nameIdFormat: "persistent", signAuthnRequests: true } });
    const response = await get(`organizations/${org.id}/connections/${c.id}/sp-metadata`);
    expectStatus(response, 200);
    const base = `${BASE}/saml/${c.id}`;
    expect(response.body).toEqual({
      entityId: base,
      acsUrl: `${base}/acs`,
      sloUrl: BUILT.logout ? `${base}/slo` : null,
      metadataUrl: `${base}/metadata`,
      nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
      signingCertificate: c.sp.signingCertificate,
      encryptionCertificate: c.sp.encryptionCertificate,
      authnRequestsSigned: true,
      wantAssertionsSigned: true,
    });
  });

  it("the public XML at sp.metadataUrl needs no key and describes the SP", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id, { saml: { acsUrlOverride: "https://app.example.com/saml/acs" } });
    const response = await call("GET", c.sp.metadataUrl!, { key: null });
    expectStatus(response, 200);
    expect(response.headers.get("content-type")).toBe("application/samlmetadata+xml; charset=utf-8");
    const xml = response.text;
    expect(xml).toContain(`entityID="${BASE}/saml/${c.id}"`);
    expect(xml).toContain(`Location="https://app.example.com/saml/acs"`);
    // SingleLogoutService only once single logout is built (SPEC §9, src/features.ts).
    expect(xml.includes(`Location="${BASE}/saml/${c.id}/slo"`)).toBe(BUILT.logout);
    expect(xml.includes("SingleLogoutService")).toBe(BUILT.logout);
    expect(xml.replace(/\s+/g, "")).toContain(pemBody(c.sp.signingCertificate!));
    expect(xml.replace(/\s+/g, "")).toContain(pemBody(c.sp.encryptionCertificate!));
    expect(xml).not.toContain("PRIVATE");
  });

  it("is 404 problem+json for an OIDC connection, a malformed ID, or an unknown connection", async () => {
    const org = await createOrg();
    const oidc = await post(`organizations/${org.id}/connections`, { type: "oidc" });
    expectProblem(await get(`/saml/${oidc.body.id}/metadata`, { key: null }), 404, "not_found");
    expectProblem(await get("/saml/conn_bogus/metadata", { key: null }), 404, "not_found");
    expectProblem(await get(`/saml/conn_${org.id.slice(4)}000000000000/metadata`, { key: null }), 404, "not_found");
    expectProblem(
      await get(`/saml/conn_00000000000000000000000000000000000000/metadata`, { key: null }),
      404,
      "not_found",
    );
  });
});
