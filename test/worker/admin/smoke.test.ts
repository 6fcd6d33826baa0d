import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("smoke", () => {
  it("serves openapi", async () => {
    const res = await exports.default.fetch("https://sso.test/openapi.json");
    expect(res.status).toBe(200);
  });
});
