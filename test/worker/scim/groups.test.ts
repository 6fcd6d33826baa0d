/** SCIM Groups and discovery (SPEC §10): groups are the profile's and ID token's `groups`; events; the service describes itself. */
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { get, orgEvents, post } from "../admin/helpers";
import { authorizeUrl, BASE, exchangeCode, postAcs, seedSaml, signResponse, startLogin } from "../flow/flow-helpers";
import { expectScimError, scim, scimOrg, userBody } from "./helpers";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

describe("SCIM Groups", () => {
  it("a SCIM user's groups are its SCIM groups in the ID token and profile, not the assertion's", async () => {
    const s = await seedSaml();
    const minted = await post(`organizations/${s.orgId}/scim-tokens`, { name: "Okta" });
    const org = { base: `${BASE}/scim/v2/${s.orgId}`, token: minted.body.token as string, domain: s.domain };
    const user = await scim(org, "POST", "/Users", userBody(org, "mona"));
    const engineers = await scim(org, "POST", "/Groups", {
      displayName: "Engineers",
      members: [{ value: user.body.id }],
    });
    expect(engineers.status).toBe(201);
    expect((await scim(org, "POST", "/Groups", { displayName: "Admins" })).status).toBe(201);
    const started = await startLogin(authorizeUrl(s, { connection_id: s.connectionId }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email: `mona@${s.domain}`,
      attributes: { groups: ["Asserted"] },
    });
    const acs = await postAcs(
      s.acsUrl,
      { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
      started.cookie,
    );
    const code = new URL(acs.headers.get("location")!).searchParams.get("code")!;
    const tokens = await (await exchangeCode(s, code)).json<{ id_token: string; profile: { groups: string[] } }>();
    expect(decodeJwt(tokens.id_token).groups).toEqual(["Engineers"]);
    expect(tokens.profile.groups).toEqual(["Engineers"]);
    const member = await get(`organizations/${s.orgId}/users/${user.body.id}`);
    expect(member.body.groups).toEqual(["Engineers"]);
  }, 60_000);

  it("membership changes are events; displayName is unique; members must be users of the org", async () => {
    const s = await scimOrg();
    const a = await scim(s, "POST", "/Users", userBody(s, "nina"));
    const g = await scim(s, "POST", "/Groups", { displayName: "Sales" });
    expect(g.headers.get("etag")).toBe('W/"1"');
    expectScimError(await scim(s, "POST", "/Groups", { displayName: "sales" }), 409, "uniqueness");
    expectScimError(
      await scim(s, "PATCH", `/Groups/${g.body.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: "add", path: "members", value: [{ value: "user_01notamember0000000000000" }] }],
      }),
      400,
      "invalidValue",
    );
    const added = await scim(s, "PATCH", `/Groups/${g.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "add", path: "members", value: [{ value: a.body.id }] }],
    });
    expect(added.body.meta.version).toBe('W/"2"');
    expect((await orgEvents(s.orgId, "&type=group.user_added"))[0]).toMatchObject({
      target: g.body.id,
      data: { groupId: g.body.id, userId: a.body.id },
    });
    // Deleting the user takes it out of its groups.
    expect((await scim(s, "DELETE", `/Users/${a.body.id}`)).status).toBe(204);
    expect((await scim(s, "GET", `/Groups/${g.body.id}`)).body.members).toEqual([]);
    expect((await orgEvents(s.orgId, "&type=group.user_removed"))[0]!.data).toMatchObject({ userId: a.body.id });
    expectScimError(
      await scim(s, "PATCH", `/Groups/${g.body.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: "add", path: "owner", value: 1 }],
      }),
      400,
      "invalidPath",
    );
    expect((await scim(s, "DELETE", `/Groups/${g.body.id}`)).status).toBe(204);
    expect((await orgEvents(s.orgId, "&type=group.deleted"))[0]!.target).toBe(g.body.id);
  });
});

describe("SCIM discovery", () => {
  it("ServiceProviderConfig says what is supported and what is not; ResourceTypes and Schemas describe User and Group", async () => {
    const s = await scimOrg();
    const config = await scim(s, "GET", "/ServiceProviderConfig");
    expect(config.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 100 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      authenticationSchemes: [{ type: "oauthbearertoken" }],
    });
    const types = await scim(s, "GET", "/ResourceTypes");
    expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(["User", "Group"]);
    const schemas = await scim(s, "GET", "/Schemas");
    expect(schemas.body.totalResults).toBe(3);
    const user = await scim(s, "GET", `/Schemas/${encodeURIComponent("urn:ietf:params:scim:schemas:core:2.0:User")}`);
    const userName = user.body.attributes.find((a: { name: string }) => a.name === "userName");
    expect(userName).toMatchObject({ type: "string", required: true, uniqueness: "server", caseExact: false });
    expectScimError(await scim(s, "GET", "/Schemas/urn:nope"), 404);
    expect((await scim(s, "POST", "/Bulk", { Operations: [] })).status).toBe(501);
    expectScimError(await scim({ base: s.base, token: "scim_wrong" }, "GET", "/ServiceProviderConfig"), 401);
  });
});
