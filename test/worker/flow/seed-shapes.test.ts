/**
 * Seed-shaped calls (SPEC §7, §8; issue 16 item 6), the complete list: each works as the
 * seed document writes it, beside our own shape.
 */
import { describe, expect, it } from "vitest";
import { completeSamlFields, createOrg, createSamlConnection, expectProblem, get, post } from "../admin/helpers";
import {
  BASE,
  exchangeCode,
  fetchWorker,
  inflate,
  REDIRECT_URI,
  seedSaml,
  signResponse,
  startLogin,
  type Seeded,
} from "./flow-helpers";

const APP_ACS = "https://app.example.com/saml/acs";

/** Seed 001 "Start SSO": GET /sso/start?client_id&email&redirect_uri[&org_id]. */
function seedStartUrl(s: Seeded, params: Record<string, string>): string {
  const url = new URL(`${BASE}/sso/start`);
  for (const [k, v] of Object.entries({ client_id: s.clientId, redirect_uri: REDIRECT_URI, ...params }))
    url.searchParams.set(k, v);
  return url.toString();
}

describe("GET /sso/start with seed 001's parameters", () => {
  it("defaults response_type=code and scope=openid email profile, and the code works", async () => {
    const s = await seedSaml();
    const email = `jane@${s.domain}`;
    const started = await startLogin(seedStartUrl(s, { email }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email,
    });
    const acs = await fetchWorker(s.acsUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: started.cookie },
      body: new URLSearchParams({ SAMLResponse: signed.samlResponse, RelayState: started.relayState }).toString(),
    });
    expect(acs.status).toBe(302);
    const code = new URL(acs.headers.get("location")!).searchParams.get("code")!;
    const token = await exchangeCode(s, code);
    expect(token.status).toBe(200);
    const body = await token.json<{ scope: string; profile: { email: string } }>();
    expect(body.scope).toBe("openid email profile");
    expect(body.profile.email).toBe(email);
  });

  it("reads org_id as organization_id: the org's connection, without an email", async () => {
    const s = await seedSaml();
    const started = await startLogin(seedStartUrl(s, { org_id: s.orgId }));
    expect(started.requestXml).toContain(`<saml:Issuer>${s.entityId}</saml:Issuer>`);
    // org_id and organization_id together are a repeated parameter: refused, back to the app.
    const both = await fetchWorker(seedStartUrl(s, { org_id: s.orgId, organization_id: s.orgId }));
    expect(both.status).toBe(302);
    const location = new URL(both.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("error_description")).toContain("organization_id is repeated");
  });

  it("keeps explicit parameters: a response_type other than code is still refused", async () => {
    const s = await seedSaml();
    const refused = await fetchWorker(seedStartUrl(s, { email: `a@${s.domain}`, response_type: "token" }));
    expect(new URL(refused.headers.get("location")!).searchParams.get("error")).toBe("unsupported_response_type");
  });
});

describe("POST /api/v1/sso/saml/complete with seed 001's organization_id and redirect_uri", () => {
  it("completes the login, and the code works", async () => {
    const s = await seedSaml({ saml: { acsUrlOverride: APP_ACS } });
    const started = await startLogin(
      `${BASE}/oauth/authorize?${new URLSearchParams({
        response_type: "code",
        client_id: s.clientId,
        redirect_uri: REDIRECT_URI,
        scope: "openid email",
        login_hint: `x@${s.domain}`,
        state: "st",
      })}`,
    );
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: APP_ACS,
      audience: s.entityId,
      email: `x@${s.domain}`,
    });
    const complete = (body: Record<string, unknown>) =>
      fetchWorker(`${BASE}/api/v1/sso/saml/complete`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Basic ${btoa(`${s.clientId}:${s.clientSecret}`)}`,
        },
        body: JSON.stringify(body),
      });
    // Mixing the two shapes is refused before anything is consumed.
    const mixed = await complete({
      SAMLResponse: signed.samlResponse,
      RelayState: started.relayState,
      organization_id: s.orgId,
      redirectUri: REDIRECT_URI,
    });
    expect(mixed.status).toBe(400);
    expect(await mixed.json()).toMatchObject({ code: "validation_failed" });
    const response = await complete({
      SAMLResponse: signed.samlResponse,
      RelayState: started.relayState,
      organization_id: s.orgId,
      redirect_uri: REDIRECT_URI,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const result = new URL((await response.json<{ result: string }>()).result);
    expect(result.searchParams.get("state")).toBe("st");
    expect((await exchangeCode(s, result.searchParams.get("code")!)).status).toBe(200);
  });
});

describe("nameIdFormat as a full URN (seed 003)", () => {
  it("is accepted on create and update and answered with the short name", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id, {
      saml: { nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:encrypted" },
    });
    expect((await get(`organizations/${org.id}/connections/${c.id}`)).body.saml.nameIdFormat).toBe("encrypted");
    const url = `organizations/${org.id}/connections/${c.id}`;
    for (const [urn, short] of [
      ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", "emailAddress"],
      ["urn:oasis:names:tc:SAML:2.0:nameid-format:persistent", "persistent"],
      ["urn:oasis:names:tc:SAML:2.0:nameid-format:transient", "transient"],
      ["urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified", "unspecified"],
      ["persistent", "persistent"],
    ]) {
      const updated = await fetchWorker(`${BASE}/api/v1/${url}`, {
        method: "PATCH",
        headers: { authorization: "Bearer test-root-admin-key-0123456789abcdef", "content-type": "application/json" },
        body: JSON.stringify({ saml: { nameIdFormat: urn } }),
      });
      expect(updated.status).toBe(200);
      expect((await updated.json<{ saml: { nameIdFormat: string } }>()).saml.nameIdFormat).toBe(short);
    }
    const bad = await post(`organizations/${org.id}/connections`, {
      type: "saml",
      saml: { nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:kerberos" },
    });
    expectProblem(bad, 400, "validation_failed");
    expect(bad.body.errors[0].path).toBe("saml.nameIdFormat");
  });

  it("names the URN in the AuthnRequest's NameIDPolicy", async () => {
    const s = await seedSaml({ saml: { nameIdFormat: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" } });
    const started = await startLogin(seedStartUrl(s, { email: `a@${s.domain}` }));
    expect(started.requestXml).toContain('Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"');
    expect(await inflate(started.location.searchParams.get("SAMLRequest")!)).toBe(started.requestXml);
  });
});

describe("POST …/idp-metadata with seed 000's {identity_provider_url, certificate}", () => {
  it("saves a draft; activation then names the missing entity ID; with it the connection goes live", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const url = `organizations/${org.id}/connections/${c.id}`;
    const fields = await completeSamlFields();
    // Seed 000 sends the certificate as "a base64-encoded PEM file".
    const certificate = btoa(fields.idpCertificates[0]!);
    const saved = await post(`${url}/idp-metadata`, { identity_provider_url: fields.idpSsoUrl, certificate });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ state: "draft", saml: { idpEntityId: null, idpSsoUrl: fields.idpSsoUrl } });
    // The same certificate as a plain PEM upload stores.
    const plain = await createSamlConnection(org.id, { saml: fields });
    expect(saved.body.saml.idpCertificates).toEqual(
      (await get(`organizations/${org.id}/connections/${plain.id}`)).body.saml.idpCertificates,
    );
    const refused = await post(`${url}/activate`);
    expectProblem(refused, 409, "connection_incomplete");
    expect(refused.body.errors).toEqual([{ path: "saml.idpEntityId", message: "is required to activate" }]);
    expectProblem(
      await post(`${url}/idp-metadata`, { identity_provider_url: fields.idpSsoUrl, certificate: "not a certificate" }),
      400,
      "validation_failed",
    );
    expectProblem(
      await post(`${url}/idp-metadata`, { identity_provider_url: fields.idpSsoUrl, certificate, domain: "a.com" }),
      400,
      "validation_failed",
    );
    const patched = await fetchWorker(`${BASE}/api/v1/${url}`, {
      method: "PATCH",
      headers: { authorization: "Bearer test-root-admin-key-0123456789abcdef", "content-type": "application/json" },
      body: JSON.stringify({ saml: { idpEntityId: fields.idpEntityId } }),
    });
    expect(patched.status).toBe(200);
    expect((await post(`${url}/activate`)).body.state).toBe("active");
  });
});
