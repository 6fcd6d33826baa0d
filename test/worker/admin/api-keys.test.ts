/** SPEC §2 and §8: minted API keys, stored hashed, shown once. */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/crypto/hash";
import { createOrg, del, expectProblem, expectStatus, get, post } from "./helpers";

describe("api-keys", () => {
  it("mints an app-wide key shown once; lists it without the key; stores only its hash", async () => {
    const response = await post("api-keys", { name: "CI", scope: "admin" });
    expectStatus(response, 201);
    expect(response.body).toMatchObject({
      id: expect.stringMatching(/^key_[0-9a-z]{26}$/),
      name: "CI",
      scope: "admin",
      key: expect.stringMatching(/^ssok_[A-Za-z0-9_-]{43}$/),
    });
    const { id, key } = response.body as { id: string; key: string };
    const list = await get("api-keys?limit=100");
    expectStatus(list, 200);
    const listed = list.body.data.find((k: { id: string }) => k.id === id);
    expect(listed).toMatchObject({ id, name: "CI", scope: "admin" });
    expect(listed).not.toHaveProperty("key");
    expect(listed).not.toHaveProperty("keyHash");
    expect(list.text).not.toContain(key);
    const row = await runInDurableObject(env.APP.get(env.APP.idFromName("api-keys")), (_i, state) =>
      state.storage.sql.exec<{ key_hash: string }>("SELECT key_hash FROM api_keys WHERE id = ?", id).one(),
    );
    expect(row.key_hash).toBe(await sha256Hex(key));
  });

  it("mints an org-scoped key for an existing org only", async () => {
    const org = await createOrg();
    const scoped = await post("api-keys", { name: "customer", scope: `organization:${org.id}` });
    expectStatus(scoped, 201);
    expect(scoped.body.scope).toBe(`organization:${org.id}`);
    expectProblem(
      await post("api-keys", { name: "ghost", scope: "organization:org_00000000000000000000000000" }),
      404,
      "not_found",
    );
    for (const scope of [
      "superuser",
      "organization:",
      "organization:acme",
      `org:${org.id}`,
      `organization:${org.id}x`,
    ]) {
      const response = await post("api-keys", { name: "bad", scope });
      expectProblem(response, 400, "validation_failed");
      expect(response.body.errors[0].path, scope).toBe("scope");
    }
    expectProblem(await post("api-keys", { scope: "admin" }), 400, "validation_failed");
    expectProblem(await post("api-keys", { name: "", scope: "admin" }), 400, "validation_failed");
  });

  it("revokes: 204, the key stops working, a second revoke is 404", async () => {
    const org = await createOrg();
    const minted = await post("api-keys", { name: "temp", scope: `organization:${org.id}` });
    const { id, key } = minted.body as { id: string; key: string };
    expectStatus(await get(`organizations/${org.id}`, { key }), 200);
    expectStatus(await del(`api-keys/${id}`), 204);
    expectProblem(await get(`organizations/${org.id}`, { key }), 401, "unauthorized");
    expectProblem(await del(`api-keys/${id}`), 404, "not_found");
    expect((await get("api-keys?limit=100")).body.data.map((k: { id: string }) => k.id)).not.toContain(id);
  });

  it("a minted admin key can mint and revoke keys too", async () => {
    const admin = (await post("api-keys", { name: "admin", scope: "admin" })).body as { key: string };
    const child = await post("api-keys", { name: "child", scope: "admin" }, { key: admin.key });
    expectStatus(child, 201);
    expectStatus(await del(`api-keys/${child.body.id}`, { key: admin.key }), 204);
  });
});
