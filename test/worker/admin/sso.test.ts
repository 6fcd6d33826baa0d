/** SPEC §2: allow_sso/disallow_sso, the `sso` settings, and GET …/sso/connection. */
import { describe, expect, it } from "vitest";
import {
  completeSamlFields,
  createActiveSamlConnection,
  createOrg,
  createSamlConnection,
  del,
  expectProblem,
  expectStatus,
  get,
  mintKey,
  oidcFieldsWithEndpoints,
  patch,
  post,
} from "./helpers";

describe("allow_sso / disallow_sso", () => {
  it("toggles ssoAllowed and returns the org", async () => {
    const org = await createOrg();
    const off = await post(`organizations/${org.id}/disallow_sso`);
    expectStatus(off, 200);
    expect(off.body).toMatchObject({ id: org.id, ssoAllowed: false });
    expect((await get(`organizations/${org.id}`)).body.ssoAllowed).toBe(false);
    const on = await post(`organizations/${org.id}/allow_sso`);
    expectStatus(on, 200);
    expect(on.body.ssoAllowed).toBe(true);
    expectProblem(await post("organizations/org_00000000000000000000000000/allow_sso"), 404, "not_found");
  });

  it("while disallowed: creating, changing and activating connections is 403 sso_not_allowed, even for the root key", async () => {
    const org = await createOrg();
    const draft = await createSamlConnection(org.id, { saml: await completeSamlFields() });
    await post(`organizations/${org.id}/disallow_sso`);
    const c = `organizations/${org.id}/connections/${draft.id}`;
    expectProblem(await post(`organizations/${org.id}/connections`, { type: "saml" }), 403, "sso_not_allowed");
    expectProblem(await patch(c, { name: "changed" }), 403, "sso_not_allowed");
    expectProblem(
      await post(`${c}/idp-metadata`, {
        idpEntityId: "x",
        idpSsoUrl: "https://idp.example.com/sso",
        idpCertificate: "x",
      }),
      403,
      "sso_not_allowed",
    );
    expectProblem(await post(`${c}/activate`), 403, "sso_not_allowed");
    // Reading stays possible for an app-wide key.
    expectStatus(await get(c), 200);
    expectStatus(await get(`organizations/${org.id}/connections`), 200);
    expect((await get(c)).body.state).toBe("draft");
    await post(`organizations/${org.id}/allow_sso`);
    expectStatus(await post(`${c}/activate`), 200);
  });

  it("an org created with ssoAllowed false cannot create connections until allowed", async () => {
    const org = await createOrg({ ssoAllowed: false });
    expectProblem(await post(`organizations/${org.id}/connections`, { type: "oidc" }), 403, "sso_not_allowed");
    await post(`organizations/${org.id}/allow_sso`);
    expectStatus(await post(`organizations/${org.id}/connections`, { type: "oidc" }), 201);
  });
});

describe("activeSso", () => {
  it("starts none and becomes the type of the first connection activated, not of later ones", async () => {
    const org = await createOrg();
    expect((await get(`organizations/${org.id}/sso`)).body).toEqual({ activeSso: "none", availableSso: ["none"] });
    await createActiveSamlConnection(org.id);
    expect((await get(`organizations/${org.id}`)).body.activeSso).toBe("saml");
    const oidc = await post(`organizations/${org.id}/connections`, { type: "oidc", oidc: oidcFieldsWithEndpoints() });
    expectStatus(await post(`organizations/${org.id}/connections/${oidc.body.id}/activate`), 200);
    const settings = await get(`organizations/${org.id}/sso`);
    expect(settings.body).toEqual({ activeSso: "saml", availableSso: ["none", "oidc", "saml"] });
  });

  it("PATCH switches among types with an active connection; 409 for a type without one; 400 for an unknown type", async () => {
    const org = await createOrg();
    const { key } = await mintKey(`organization:${org.id}`);
    await createActiveSamlConnection(org.id);
    expectProblem(await patch(`organizations/${org.id}/sso`, { activeSso: "oidc" }), 409, "conflict");
    const oidc = await post(`organizations/${org.id}/connections`, { type: "oidc", oidc: oidcFieldsWithEndpoints() });
    await post(`organizations/${org.id}/connections/${oidc.body.id}/activate`);
    const switched = await patch(`organizations/${org.id}/sso`, { activeSso: "oidc" }, { key });
    expectStatus(switched, 200);
    expect(switched.body.activeSso).toBe("oidc");
    expect((await get(`organizations/${org.id}`)).body.activeSso).toBe("oidc");
    const none = await patch(`organizations/${org.id}/sso`, { activeSso: "none" });
    expect(none.body.activeSso).toBe("none");
    expectProblem(await patch(`organizations/${org.id}/sso`, { activeSso: "kerberos" }), 400, "validation_failed");
    expectProblem(await patch(`organizations/${org.id}/sso`, {}), 400, "validation_failed");
    expectProblem(
      await patch(`organizations/${org.id}/sso`, { activeSso: "none", extra: 1 }),
      400,
      "validation_failed",
    );
  });
});

describe("GET …/sso/connection", () => {
  it("is 404 not_found with no active connection, the active one of type activeSso otherwise", async () => {
    const org = await createOrg();
    expectProblem(await get(`organizations/${org.id}/sso/connection`), 404, "not_found");
    const draft = await createSamlConnection(org.id);
    expectProblem(await get(`organizations/${org.id}/sso/connection`), 404, "not_found");
    await post(`organizations/${org.id}/connections/${draft.id}/idp-metadata`, {
      idpEntityId: "https://idp.example.com/e",
      idpSsoUrl: "https://idp.example.com/sso",
      idpCertificate: (await completeSamlFields()).idpCertificates[0],
    });
    await post(`organizations/${org.id}/connections/${draft.id}/activate`);
    const found = await get(`organizations/${org.id}/sso/connection`);
    expectStatus(found, 200);
    expect(found.body).toMatchObject({ id: draft.id, type: "saml", state: "active" });
    await post(`organizations/${org.id}/connections/${draft.id}/deactivate`);
    expectProblem(await get(`organizations/${org.id}/sso/connection`), 404, "not_found");
  });

  it("follows activeSso when the org has active connections of two types", async () => {
    const org = await createOrg();
    const saml = await createActiveSamlConnection(org.id);
    const oidc = await post(`organizations/${org.id}/connections`, { type: "oidc", oidc: oidcFieldsWithEndpoints() });
    await post(`organizations/${org.id}/connections/${oidc.body.id}/activate`);
    expect((await get(`organizations/${org.id}/sso/connection`)).body.id).toBe(saml.id);
    await patch(`organizations/${org.id}/sso`, { activeSso: "oidc" });
    expect((await get(`organizations/${org.id}/sso/connection`)).body.id).toBe(oidc.body.id);
    expectStatus(await del(`organizations/${org.id}/connections/${oidc.body.id}`), 204);
    expectProblem(await get(`organizations/${org.id}/sso/connection`), 404, "not_found");
  });
});
