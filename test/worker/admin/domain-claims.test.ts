/** SPEC §2 "Domains": a domain belongs to at most one org, even when orgs race for it. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createOrg, expectProblem, expectStatus, get, patch, post, uniqueDomain } from "./helpers";

const N = 8;

// Start the worker and the app-wide objects before timing the races.
beforeAll(async () => {
  expectStatus(await get("organizations"), 200);
});

describe("concurrent claims of one domain", () => {
  it("N org creations with the same domain: exactly one 201, the others 409 domain_taken", async () => {
    const domain = uniqueDomain("race");
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) => post("organizations", { name: `Racer ${i}`, domains: [domain] })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(N - 1).fill(409)]);
    for (const loser of responses.filter((r) => r.status === 409)) expectProblem(loser, 409, "domain_taken");
    const winner = responses.find((r) => r.status === 201)!.body as { id: string; domains: string[] };
    expect(winner.domains).toEqual([domain]);
    expect(await env.DOMAINS.get(domain, "json")).toEqual({ organizationId: winner.id, connectionId: null });
    // Losers left no organization behind.
    const listed = (await get("organizations?limit=100")).body.data as { id: string; domains: string[] }[];
    expect(listed.filter((o) => o.domains.includes(domain)).map((o) => o.id)).toEqual([winner.id]);
    expect(listed.filter((o) => o.id === winner.id)).toHaveLength(1);
  });

  it("N orgs adding the same domain by PATCH: exactly one succeeds", async () => {
    const domain = uniqueDomain("patchrace");
    const orgs = await Promise.all(Array.from({ length: N }, () => createOrg()));
    const responses = await Promise.all(orgs.map((o) => patch(`organizations/${o.id}`, { domains: [domain] })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    for (const loser of responses.filter((r) => r.status !== 200)) expectProblem(loser, 409, "domain_taken");
    const owners = [];
    for (const o of orgs) if ((await get(`organizations/${o.id}`)).body.domains.includes(domain)) owners.push(o.id);
    expect(owners).toHaveLength(1);
  });

  it("racing for two domains in opposite order never leaves both orgs with one each", async () => {
    for (let round = 0; round < 3; round++) {
      const [a, b] = [uniqueDomain("pair"), uniqueDomain("pair")];
      const [first, second] = await Promise.all([
        post("organizations", { name: "AB", domains: [a, b] }),
        post("organizations", { name: "BA", domains: [b, a] }),
      ]);
      const won = [first, second].filter((r) => r.status === 201);
      // All or nothing: at most one winner, and it holds both domains.
      expect(won.length).toBeLessThanOrEqual(1);
      for (const w of won) expect([...w.body.domains].sort()).toEqual([a, b].sort());
      for (const r of [first, second].filter((r) => r.status !== 201)) expectProblem(r, 409, "domain_taken");
      // A domain no winner holds was released and is free again.
      if (won.length === 0) expectStatus(await post("organizations", { name: "later", domains: [a, b] }), 201);
    }
  });
});
