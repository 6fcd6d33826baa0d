/**
 * SPEC §2 "Access" (issue 10, hole 6): the connection fields that reach beyond the org —
 * `allowAnyEmailDomain`, `idpInitiatedClientId`, `idpInitiatedRedirectUri` — are set by
 * app-wide keys only. The attack: a customer's org-scoped key points its IdP-initiated
 * logins at any client of the app (another customer's app, an admin console).
 */
import { describe, expect, it } from "vitest";
import { createOrg, createSamlConnection, expectProblem, expectStatus, get, mintKey, patch, post } from "./helpers";

const LANDING = "https://app.example.com/callback";

async function customer() {
  const org = await createOrg();
  const { key } = await mintKey(`organization:${org.id}`);
  const connection = await createSamlConnection(org.id);
  return { org, key, connection, path: `organizations/${org.id}/connections/${connection.id}` };
}

describe("fields only an app-wide key may set", () => {
  it("an org-scoped key setting idpInitiatedClientId gets 403 forbidden naming the field, and nothing changes", async () => {
    const { key, path } = await customer();
    const refused = await patch(path, { idpInitiatedClientId: "client_someone_elses" }, { key });
    expectProblem(refused, 403, "forbidden");
    expect(refused.body.detail).toContain("idpInitiatedClientId");
    expect(refused.body.errors).toEqual([{ path: "idpInitiatedClientId", message: expect.any(String) }]);
    expect((await get(path)).body).toMatchObject({ idpInitiatedClientId: null, idpInitiatedRedirectUri: null });
  });

  it("the same for idpInitiatedRedirectUri, alone or with the client, on PATCH and on create", async () => {
    const { org, key, path } = await customer();
    const alone = await patch(path, { idpInitiatedRedirectUri: LANDING }, { key });
    expectProblem(alone, 403, "forbidden");
    expect(alone.body.errors.map((e: { path: string }) => e.path)).toEqual(["idpInitiatedRedirectUri"]);
    const created = await post(
      `organizations/${org.id}/connections`,
      { type: "saml", idpInitiatedClientId: "client_x", idpInitiatedRedirectUri: LANDING, allowAnyEmailDomain: true },
      { key },
    );
    expectProblem(created, 403, "forbidden");
    expect(created.body.errors.map((e: { path: string }) => e.path)).toEqual([
      "allowAnyEmailDomain",
      "idpInitiatedClientId",
      "idpInitiatedRedirectUri",
    ]);
    // Refused before anything was written: the org still has only its first connection.
    expect((await get(`organizations/${org.id}/connections`)).body.data).toHaveLength(1);
  });

  it("an app-wide key sets them; the org-scoped key may switch them off, never on", async () => {
    const { key, path } = await customer();
    const admin = await mintKey("admin");
    const set = await patch(
      path,
      { idpInitiatedClientId: "client_app", idpInitiatedRedirectUri: LANDING },
      { key: admin.key },
    );
    expectStatus(set, 200);
    expect(set.body).toMatchObject({ idpInitiatedClientId: "client_app", idpInitiatedRedirectUri: LANDING });
    expectProblem(await patch(path, { idpInitiatedClientId: "client_other" }, { key }), 403, "forbidden");
    const cleared = await patch(path, { idpInitiatedClientId: null, idpInitiatedRedirectUri: null }, { key });
    expectStatus(cleared, 200);
    expect(cleared.body).toMatchObject({ idpInitiatedClientId: null, idpInitiatedRedirectUri: null });
    // Other fields stay the customer's to change.
    expectStatus(await patch(path, { name: "Our Okta", allowAnyEmailDomain: false }, { key }), 200);
  });
});
