/** SPEC §2 and §8: OAuth clients; the secret is shown once and stored as a SHA-256 hash. */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/crypto/hash";
import { appEvents, del, eventually, expectProblem, expectStatus, get, mintKey, patch, post } from "./helpers";

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
      postLogoutRedirectUris: [],
      allowedOrigins: [],
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

  it("takes allowedOrigins exactly as browsers send Origin: scheme://host[:port], never *", async () => {
    const good = [
      "https://spa.example.com",
      "https://spa.example.com:8443",
      "http://localhost:5173",
      "http://127.0.0.1:3000",
    ];
    const created = await post("clients", {
      name: "SPA",
      redirectUris: ["https://spa.example.com/cb"],
      allowedOrigins: good,
    });
    expectStatus(created, 201);
    expect(created.body.allowedOrigins).toEqual(good);
    const bad = [
      "*",
      "null",
      "https://spa.example.com/",
      "https://spa.example.com/app",
      "https://SPA.example.com",
      "https://spa.example.com:443",
      "http://spa.example.com",
      "https://*.example.com",
      "spa.example.com",
    ];
    for (const origin of bad) {
      const response = await post("clients", {
        name: "x",
        redirectUris: ["https://a.example/cb"],
        allowedOrigins: [origin],
      });
      expectProblem(response, 400, "validation_failed");
      expect(response.body.errors[0].path, origin).toBe("allowedOrigins.0");
    }
  });

  it("PATCH changes name, redirectUris, postLogoutRedirectUris and allowedOrigins; the audit names what changed", async () => {
    const created = await post("clients", { name: "App", redirectUris: ["https://app.example/cb"] });
    const id = created.body.clientId as string;
    const patched = await patch(`clients/${id}`, {
      name: "App",
      redirectUris: ["https://app.example/cb", "https://app.example/cb2"],
      postLogoutRedirectUris: ["https://app.example/bye"],
      allowedOrigins: ["https://app.example"],
    });
    expectStatus(patched, 200);
    expect(patched.body).toMatchObject({
      clientId: id,
      name: "App",
      redirectUris: ["https://app.example/cb", "https://app.example/cb2"],
      postLogoutRedirectUris: ["https://app.example/bye"],
      allowedOrigins: ["https://app.example"],
      public: false,
    });
    expect(patched.body).not.toHaveProperty("clientSecret");
    expect(patched.body.updatedAt > created.body.updatedAt || patched.body.updatedAt === created.body.updatedAt).toBe(
      true,
    );
    expect((await get(`clients/${id}`)).body).toEqual(patched.body);
    expectStatus(await patch(`clients/${id}`, { name: "App" }), 200);
    const updates = (
      await eventually(
        () => appEvents("&type=client.updated"),
        (events) => events.some((e) => e.target === id),
      )
    ).filter((e) => e.target === id);
    expect(updates.map((e) => e.data)).toEqual([
      { changed: ["redirectUris", "postLogoutRedirectUris", "allowedOrigins"] },
    ]);
    // Back-channel logout (SPEC §9) can be set on an existing client, and removed with null.
    const withBackchannel = await patch(`clients/${id}`, { backchannelLogoutUri: "https://a.example/logout" });
    expectStatus(withBackchannel, 200);
    expect(withBackchannel.body.backchannelLogoutUri).toBe("https://a.example/logout");
    expect((await patch(`clients/${id}`, { backchannelLogoutUri: null })).body.backchannelLogoutUri).toBeNull();
    // The secret, the type and unknown fields are not PATCHable; a back-channel URI must be https.
    for (const body of [{ public: true }, { clientSecret: "x" }, { backchannelLogoutUri: "ftp://a.example/x" }]) {
      expectProblem(await patch(`clients/${id}`, body), 400, "validation_failed");
    }
    expectProblem(await patch(`clients/${id}`, { redirectUris: [] }), 400, "validation_failed");
    expectProblem(await patch(`clients/${id}`, { allowedOrigins: ["*"] }), 400, "validation_failed");
    expectProblem(await patch("clients/client_nope", { name: "x" }), 404, "not_found");
    const scoped = await mintKey(`organization:${(await post("organizations", { name: "O" })).body.id}`);
    expectProblem(await patch(`clients/${id}`, { name: "x" }, { key: scoped.key }), 403, "forbidden");
  });

  it("PATCH redirectUris takes effect at once: a removed URI is refused at /oauth/authorize", async () => {
    const created = await post("clients", {
      name: "App",
      redirectUris: ["https://app.example/a", "https://app.example/b"],
    });
    const id = created.body.clientId as string;
    expectStatus(await patch(`clients/${id}`, { redirectUris: ["https://app.example/b"] }), 200);
    const authorize = (redirect: string) =>
      get(
        `/oauth/authorize?response_type=code&scope=openid&client_id=${id}&redirect_uri=${encodeURIComponent(redirect)}`,
        { key: null },
      );
    const removed = await authorize("https://app.example/a");
    expect(removed.status).toBe(400);
    expect(removed.headers.get("location")).toBeNull();
    expect(removed.text).toContain("Reference");
    expect((await authorize("https://app.example/b")).status).toBe(200);
  });
});
