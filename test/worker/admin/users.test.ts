/** SPEC §2: organization members (`…/users`). */
import { describe, expect, it } from "vitest";
import { createOrg, del, expectProblem, expectStatus, get, mintKey, post } from "./helpers";

describe("users", () => {
  it("adds, lists, gets and removes members", async () => {
    const org = await createOrg();
    const created = await post(`organizations/${org.id}/users`, {
      email: "Ada.Lovelace@Acme.example",
      firstName: "Ada",
      lastName: "Lovelace",
    });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^user_[0-9a-z]{26}$/),
      organizationId: org.id,
      email: "ada.lovelace@acme.example",
      firstName: "Ada",
      lastName: "Lovelace",
      connectionId: null,
      idpSubject: null,
    });
    const second = await post(`organizations/${org.id}/users`, { email: "bob@acme.example" });
    expect(second.body).toMatchObject({ firstName: null, lastName: null });
    const list = await get(`organizations/${org.id}/users`);
    expect(list.body).toEqual({ data: [created.body, second.body], nextCursor: null });
    const page = await get(`organizations/${org.id}/users?limit=1`);
    expect(page.body).toMatchObject({ data: [{ id: created.body.id }], nextCursor: created.body.id });
    expect((await get(`organizations/${org.id}/users/${created.body.id}`)).body).toEqual(created.body);
    expectStatus(await del(`organizations/${org.id}/users/${created.body.id}`), 204);
    expectProblem(await get(`organizations/${org.id}/users/${created.body.id}`), 404, "not_found");
    expectProblem(await del(`organizations/${org.id}/users/${created.body.id}`), 404, "not_found");
    expect((await get(`organizations/${org.id}/users`)).body.data).toEqual([second.body]);
  });

  it("refuses a duplicate email (case-insensitively) with 409 conflict", async () => {
    const org = await createOrg();
    expectStatus(await post(`organizations/${org.id}/users`, { email: "dup@acme.example" }), 201);
    expectProblem(await post(`organizations/${org.id}/users`, { email: "DUP@acme.example" }), 409, "conflict");
    // Another org may have the same address.
    const other = await createOrg();
    expectStatus(await post(`organizations/${other.id}/users`, { email: "dup@acme.example" }), 201);
  });

  it("validates: email required and well-formed, no unknown fields", async () => {
    const org = await createOrg();
    for (const body of [
      {},
      { email: "not-an-email" },
      { email: "a@b.example", role: "admin" },
      { email: "a@b.example", firstName: 5 },
    ]) {
      expectProblem(await post(`organizations/${org.id}/users`, body), 400, "validation_failed");
    }
    expect((await get(`organizations/${org.id}/users`)).body.data).toEqual([]);
  });

  it("is scoped: an org key manages its own members only; unknown orgs are 404", async () => {
    const org = await createOrg();
    const other = await createOrg();
    const { key } = await mintKey(`organization:${org.id}`);
    expectStatus(await post(`organizations/${org.id}/users`, { email: "me@acme.example" }, { key }), 201);
    expectProblem(
      await post(`organizations/${other.id}/users`, { email: "me@acme.example" }, { key }),
      403,
      "forbidden",
    );
    expectProblem(await get("organizations/org_00000000000000000000000000/users"), 404, "not_found");
    expectProblem(
      await post("organizations/org_00000000000000000000000000/users", { email: "x@y.example" }),
      404,
      "not_found",
    );
  });
});
