/** SCIM Users (SPEC §10, RFC 7644 §3): create, get, filter, page, PUT, PATCH, DELETE, ETags, errors. */
import { describe, expect, it } from "vitest";
import { del, get, orgEvents, post } from "../admin/helpers";
import { expectScimError, scim, scimOrg, userBody } from "./helpers";

describe("SCIM Users", () => {
  it("creates a user: 201, Location, ETag, meta; the admin API shows it as source scim", async () => {
    const s = await scimOrg();
    const created = await scim(s, "POST", "/Users", userBody(s, "alice", { externalId: "ext-1" }));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get("content-type")).toBe("application/scim+json");
    const id = created.body.id as string;
    expect(id).toMatch(/^user_/);
    expect(created.headers.get("location")).toBe(`${s.base}/Users/${id}`);
    expect(created.headers.get("etag")).toBe('W/"1"');
    expect(created.body).toMatchObject({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: `alice@${s.domain}`,
      externalId: "ext-1",
      active: true,
      groups: [],
      meta: { resourceType: "User", location: `${s.base}/Users/${id}`, version: 'W/"1"' },
    });
    const member = await get(`organizations/${s.orgId}/users/${id}`);
    expect(member.body).toMatchObject({ source: "scim", externalId: "ext-1", active: true, groups: [] });
    const events = await orgEvents(s.orgId, "&type=user.created");
    expect(events[0]).toMatchObject({ target: id, actor: `scim_token:${s.tokenId}`, data: { source: "scim" } });
  });

  it("userName is unique per org, case-insensitively: 409 uniqueness", async () => {
    const s = await scimOrg();
    expect((await scim(s, "POST", "/Users", userBody(s, "bob"))).status).toBe(201);
    const again = await scim(s, "POST", "/Users", {
      ...userBody(s, "bob2"),
      userName: `BOB@${s.domain.toUpperCase()}`,
    });
    expectScimError(again, 409, "uniqueness");
  });

  it("filters with eq, co, sw, pr, and, or on userName, emails.value, externalId, displayName, active", async () => {
    const s = await scimOrg();
    const ids: Record<string, string> = {};
    for (const [local, extra] of [
      ["carol", { externalId: "E-1", displayName: "Carol Danvers" }],
      ["dave", { externalId: "E-2", displayName: "Dave Lister", active: false }],
      ["erin", { displayName: "Erin Hannon" }],
    ] as const) {
      const created = await scim(s, "POST", "/Users", userBody(s, local, extra));
      expect(created.status).toBe(201);
      ids[local] = created.body.id;
    }
    const names = async (filter: string) => {
      const list = await scim(s, "GET", `/Users?filter=${encodeURIComponent(filter)}`);
      expect(list.status, JSON.stringify(list.body)).toBe(200);
      return (list.body.Resources as { userName: string }[]).map((r) => r.userName.split("@")[0]).sort();
    };
    expect(await names(`userName eq "CAROL@${s.domain}"`)).toEqual(["carol"]);
    expect(await names(`emails.value eq "dave@${s.domain}"`)).toEqual(["dave"]);
    expect(await names(`emails[value eq "erin@${s.domain}"]`)).toEqual(["erin"]);
    expect(await names('externalId eq "E-2"')).toEqual(["dave"]);
    expect(await names('externalId eq "e-2"')).toEqual([]);
    expect(await names('displayName co "an"')).toEqual(["carol", "erin"]);
    expect(await names('userName sw "ER"')).toEqual(["erin"]);
    expect(await names("externalId pr")).toEqual(["carol", "dave"]);
    expect(await names("active eq false")).toEqual(["dave"]);
    expect(await names("externalId pr and active eq true")).toEqual(["carol"]);
    expect(await names('externalId eq "E-1" or displayName sw "erin"')).toEqual(["carol", "erin"]);
    expect(await names("not (externalId pr)")).toEqual(["erin"]);
    expect(await names('userName ew "%"')).toEqual([]);
    expectScimError(await scim(s, "GET", `/Users?filter=${encodeURIComponent("nickName eq 1")}`), 400, "invalidFilter");
    expectScimError(
      await scim(s, "GET", `/Users?filter=${encodeURIComponent('userName eq "x" and')}`),
      400,
      "invalidFilter",
    );
    expectScimError(
      await scim(s, "GET", `/Users?filter=${encodeURIComponent('active eq "yes"')}`),
      400,
      "invalidFilter",
    );
  });

  it("pages with startIndex and count, in a stable order, totalResults counted", async () => {
    const s = await scimOrg();
    for (let i = 0; i < 7; i++) expect((await scim(s, "POST", "/Users", userBody(s, `u${i}`))).status).toBe(201);
    const seen: string[] = [];
    for (let start = 1; start <= 7; start += 3) {
      const page = await scim(s, "GET", `/Users?startIndex=${start}&count=3`);
      expect(page.body).toMatchObject({
        schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        totalResults: 7,
        startIndex: start,
        itemsPerPage: Math.min(3, 8 - start),
      });
      seen.push(...page.body.Resources.map((r: { userName: string }) => r.userName));
    }
    expect(seen).toEqual([...Array(7).keys()].map((i) => `u${i}@${s.domain}`));
    const counted = await scim(s, "GET", "/Users?count=0");
    expect(counted.body).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
    expect((await scim(s, "GET", "/Users?startIndex=0&count=1000")).body.itemsPerPage).toBe(7);
    expectScimError(await scim(s, "GET", "/Users?count=ten"), 400, "invalidValue");
  });

  it("PUT replaces, If-Match guards writes (412), If-None-Match answers 304", async () => {
    const s = await scimOrg();
    const created = await scim(s, "POST", "/Users", userBody(s, "frank"));
    const path = `/Users/${created.body.id}`;
    const put = await scim(s, "PUT", path, userBody(s, "frank", { displayName: "Frank R", title: "CTO" }), {
      "if-match": 'W/"1"',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ displayName: "Frank R", title: "CTO", meta: { version: 'W/"2"' } });
    expect(put.headers.get("etag")).toBe('W/"2"');
    expectScimError(await scim(s, "PUT", path, userBody(s, "frank"), { "if-match": 'W/"1"' }), 412);
    expectScimError(await scim(s, "DELETE", path, undefined, { "if-match": 'W/"1"' }), 412);
    const cached = await scim(s, "GET", path, undefined, { "if-none-match": 'W/"2"' });
    expect(cached.status).toBe(304);
    const same = await scim(s, "PUT", path, userBody(s, "frank", { displayName: "Frank R", title: "CTO" }));
    expect(same.body.meta.version).toBe('W/"2"');
  });

  it("DELETE: 204, then 404; the member stays as a tombstone the admin API cannot delete (409)", async () => {
    const s = await scimOrg();
    const created = await scim(s, "POST", "/Users", userBody(s, "gina"));
    const path = `/Users/${created.body.id}`;
    expect((await scim(s, "DELETE", path)).status).toBe(204);
    expectScimError(await scim(s, "GET", path), 404);
    expectScimError(await scim(s, "DELETE", path), 404);
    const member = await get(`organizations/${s.orgId}/users/${created.body.id}`);
    expect(member.body).toMatchObject({ source: "scim", active: false, deprovisionedAt: expect.any(String) });
    expect((await del(`organizations/${s.orgId}/users/${created.body.id}`)).status).toBe(409);
    expect((await scim(s, "GET", "/Users")).body.totalResults).toBe(0);
  });

  it("adopts an existing member with the same email instead of failing", async () => {
    const s = await scimOrg();
    const existing = await post(`organizations/${s.orgId}/users`, { email: `hank@${s.domain}` });
    expect(existing.status).toBe(201);
    const created = await scim(s, "POST", "/Users", userBody(s, "hank"));
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(existing.body.id);
    const events = await orgEvents(s.orgId, "&type=user.updated");
    expect(events[0]!.data).toMatchObject({ adopted: true, previousSource: "admin" });
  });

  it("refuses bad bodies with the RFC's errors", async () => {
    const s = await scimOrg();
    expectScimError(await scim(s, "POST", "/Users", { schemas: [] }), 400, "invalidValue");
    expectScimError(await scim(s, "POST", "/Users", { userName: "nomail" }), 400, "invalidValue");
    expectScimError(await scim(s, "POST", "/Users", { ...userBody(s, "ivy"), active: "maybe" }), 400, "invalidValue");
    expectScimError(await scim(s, "POST", "/Users", [1, 2]), 400, "invalidSyntax");
    expectScimError(await scim(s, "GET", "/Users/user_nope"), 404);
    const created = await scim(s, "POST", "/Users", userBody(s, "ivy"));
    const path = `/Users/${created.body.id}`;
    expectScimError(
      await scim(s, "PATCH", path, { Operations: [{ op: "replace", path: "active", value: false }] }),
      400,
      "invalidSyntax",
    );
    const patchOp = (ops: unknown[]) => ({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: ops,
    });
    expectScimError(await scim(s, "PATCH", path, patchOp([{ op: "move", path: "x" }])), 400, "invalidSyntax");
    expectScimError(await scim(s, "PATCH", path, patchOp([{ op: "remove" }])), 400, "noTarget");
  });
});

describe("SCIM tokens", () => {
  it("a token reaches only its org; API keys and revoked tokens get 401; the token is shown once", async () => {
    const a = await scimOrg();
    const b = await scimOrg();
    expect((await scim(a, "GET", "/Users")).status).toBe(200);
    const cross = await scim({ base: b.base, token: a.token }, "GET", "/Users");
    expectScimError(cross, 401);
    expect(cross.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expectScimError(await scim({ base: a.base, token: "test-root-admin-key-0123456789abcdef" }, "GET", "/Users"), 401);
    expectScimError(
      await scim({ base: `${a.base.replace(/org_\w+$/, "org_nope")}`, token: a.token }, "GET", "/Users"),
      401,
    );
    const onApi = await get(`organizations/${a.orgId}`, { key: a.token });
    expect(onApi.status).toBe(401);
    const listed = await get(`organizations/${a.orgId}/scim-tokens`);
    expect(listed.body.data).toEqual([
      { id: a.tokenId, name: "Okta", createdAt: expect.any(String), lastUsedAt: expect.any(String) },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(a.token);
    expect((await del(`organizations/${a.orgId}/scim-tokens/${a.tokenId}`)).status).toBe(204);
    expectScimError(await scim(a, "GET", "/Users"), 401);
  });
});
