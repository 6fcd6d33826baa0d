/** SPEC §2 and §8: webhook endpoints (CRUD; delivery: test/worker/webhooks/). */
import { describe, expect, it } from "vitest";
import { del, expectProblem, expectStatus, get, patch, post } from "./helpers";

describe("webhooks", () => {
  it("creates an endpoint with a whsec_ secret shown once", async () => {
    const response = await post("webhooks", {
      url: "https://hooks.example.com/edge-sso",
      events: ["sso_configuration.enabled", "user.created", "user.created"],
    });
    expectStatus(response, 201);
    expect(response.body).toMatchObject({
      id: expect.stringMatching(/^wh_[0-9a-z]{26}$/),
      url: "https://hooks.example.com/edge-sso",
      events: ["sso_configuration.enabled", "user.created"],
      enabled: true,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const { id, secret } = response.body as { id: string; secret: string };
    const fetched = await get(`webhooks/${id}`);
    expectStatus(fetched, 200);
    expect(fetched.body).toEqual({
      id,
      url: "https://hooks.example.com/edge-sso",
      events: ["sso_configuration.enabled", "user.created"],
      enabled: true,
      disabledReason: null,
      previousSecretExpiresAt: null,
      createdAt: response.body.createdAt,
      updatedAt: response.body.updatedAt,
    });
    const list = await get("webhooks?limit=100");
    expect(list.body.data).toContainEqual(fetched.body);
    expect(list.text).not.toContain(secret.slice("whsec_".length));
  });

  it("validates url and events", async () => {
    const cases: [unknown, string][] = [
      [{ url: "http://hooks.example.com/x", events: ["user.created"] }, "url"],
      [{ url: "not a url", events: ["user.created"] }, "url"],
      [{ url: "https://hooks.example.com/x", events: [] }, "events"],
      [{ url: "https://hooks.example.com/x", events: ["user.exploded"] }, "events.0"],
      [{ url: "https://hooks.example.com/x" }, "events"],
      [{ url: "https://hooks.example.com/x", events: ["user.created"], secret: "whsec_mine" }, "secret"],
    ];
    for (const [body, path] of cases) {
      const response = await post("webhooks", body);
      expectProblem(response, 400, "validation_failed");
      expect(
        response.body.errors.map((e: { path: string }) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    expectStatus(
      await post("webhooks", { url: "http://localhost:9000/hook", events: ["login.failed"], enabled: false }),
      201,
    );
  });

  it("updates url, events and enabled; 404 for an unknown endpoint", async () => {
    const created = await post("webhooks", { url: "https://hooks.example.com/a", events: ["user.created"] });
    const id = created.body.id as string;
    const updated = await patch(`webhooks/${id}`, { enabled: false, events: ["login.succeeded", "login.failed"] });
    expectStatus(updated, 200);
    expect(updated.body).toMatchObject({
      id,
      url: "https://hooks.example.com/a",
      events: ["login.succeeded", "login.failed"],
      enabled: false,
    });
    expect(updated.body).not.toHaveProperty("secret");
    const deduped = await patch(`webhooks/${id}`, { events: ["user.created", "user.created"] });
    expect(deduped.body.events).toEqual(["user.created"]);
    const moved = await patch(`webhooks/${id}`, { url: "https://hooks.example.com/b" });
    expect(moved.body).toMatchObject({ url: "https://hooks.example.com/b", enabled: false });
    expectProblem(await patch(`webhooks/${id}`, { url: "http://insecure.example.com" }), 400, "validation_failed");
    expectProblem(await patch(`webhooks/${id}`, { secret: "x" }), 400, "validation_failed");
    expectProblem(await patch("webhooks/wh_nope", { enabled: true }), 404, "not_found");
    expectProblem(await get("webhooks/wh_nope"), 404, "not_found");
  });

  it("deletes: 204, then 404", async () => {
    const created = await post("webhooks", { url: "https://hooks.example.com/d", events: ["user.created"] });
    const id = created.body.id as string;
    expectStatus(await del(`webhooks/${id}`), 204);
    expectProblem(await get(`webhooks/${id}`), 404, "not_found");
    expectProblem(await del(`webhooks/${id}`), 404, "not_found");
  });
});
