/** SPEC §2 and §8: OAuth clients; the secret is shown once and stored as a SHA-256 hash. */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/crypto/hash";
import { del, expectProblem, expectStatus, get, post } from "./helpers";

describe("clients", () => {
  it("creates a confidential client with a 256-bit secret shown once", async () => {
    const response = await post("clients", {
      name: "Web app",
      redirectUris: ["https://app.example.com/callback", "http://localhost:3000/cb"],
    });
    expectStatus(response, 201);
    expect(response.body).toMatchObject({
      clientId: expect.stringMatching(/^client_[0-9a-z]{26}$/),
      clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      name: "Web app",
      redirectUris: ["https://app.example.com/callback", "http://localhost:3000/cb"],
      public: false,
      backchannelLogoutUri: null,
    });
    expect(response.body).not.toHaveProperty("secretHash");
    const { clientId, clientSecret } = response.body as { clientId: string; clientSecret: string };
    const fetched = await get(`clients/${clientId}`);
    expectStatus(fetched, 200);
    expect(fetched.body).not.toHaveProperty("clientSecret");
    expect(fetched.body).not.toHaveProperty("secretHash");
    expect(fetched.text).not.toContain(clientSecret);
    const listed = await get("clients?limit=100");
    expect(listed.body.data.find((c: { clientId: string }) => c.clientId === clientId)).toEqual(fetched.body);
    expect(listed.text).not.toContain(clientSecret);
    // Stored as the SHA-256 of the secret, never in clear.
    const stored = await runInDurableObject(env.APP.get(env.APP.idFromName("clients")), (_instance, state) =>
      state.storage.sql
        .exec<{ secret_hash: string }>("SELECT secret_hash FROM clients WHERE client_id = ?", clientId)
        .one(),
    );
    expect(stored.secret_hash).toBe(await sha256Hex(clientSecret));
  });

  it("creates a public client without a secret", async () => {
    const response = await post("clients", {
      name: "SPA",
      redirectUris: ["https://spa.example.com/cb"],
      public: true,
      backchannelLogoutUri: "https://spa.example.com/logout",
    });
    expectStatus(response, 201);
    expect(response.body).toMatchObject({
      public: true,
      clientSecret: null,
      backchannelLogoutUri: "https://spa.example.com/logout",
    });
  });

  it("validates redirect URIs: absolute, https or loopback http, no fragment; at least one", async () => {
    const bad = [
      "http://app.example.com/cb",
      "https://app.example.com/cb#frag",
      "/relative",
      "javascript:alert(1)",
      "not a url",
    ];
    for (const uri of bad) {
      const response = await post("clients", { name: "x", redirectUris: [uri] });
      expectProblem(response, 400, "validation_failed");
      expect(response.body.errors[0].path, uri).toBe("redirectUris.0");
    }
    expectProblem(await post("clients", { name: "x", redirectUris: [] }), 400, "validation_failed");
    expectProblem(await post("clients", { name: "x" }), 400, "validation_failed");
    expectProblem(
      await post("clients", { name: "x", redirectUris: ["https://a.example/cb"], clientSecret: "mine" }),
      400,
      "validation_failed",
    );
    expectStatus(
      await post("clients", { name: "loopback", redirectUris: ["http://127.0.0.1:8080/cb", "http://[::1]/cb"] }),
      201,
    );
  });

  it("deletes: 204, then 404; unknown clients are 404", async () => {
    const created = await post("clients", { name: "Temp", redirectUris: ["https://t.example/cb"] });
    const id = created.body.clientId as string;
    expectStatus(await del(`clients/${id}`), 204);
    expectProblem(await get(`clients/${id}`), 404, "not_found");
    expectProblem(await del(`clients/${id}`), 404, "not_found");
    expectProblem(await get("clients/client_nope"), 404, "not_found");
  });

  it("pages the list", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await post("clients", { name: `P${i}`, redirectUris: ["https://p.example/cb"] })).body.clientId);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await get(`clients?limit=2${after ? `&after=${after}` : ""}`);
      expectStatus(page, 200);
      seen.push(...page.body.data.map((c: { clientId: string }) => c.clientId));
      after = page.body.nextCursor;
    } while (after);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(new Set(seen).size).toBe(seen.length);
  });
});
