/**
 * SPEC §2 "Domains" (issue 10, hole 1): only a verified domain is exclusive. The attack: a
 * customer's org-scoped key adds `bigcorp.test` to its own org (stored unverified), and the
 * real BigCorp's org can no longer get its own domain (409 domain_taken).
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { routeLoginByEmail } from "../../../src/domains/route-login";
import { domainClaim, orgOp } from "../../../src/store/stores";
import {
  createOrg,
  createSamlConnection,
  expectProblem,
  expectStatus,
  get,
  mintKey,
  orgEvents,
  patch,
  post,
  uniqueDomain,
} from "./helpers";

const kv = (domain: string) => env.DOMAINS.get(domain, "json");

/** An org and its org-scoped key: a customer automating its own org. */
async function customer(name = "Squatter") {
  const org = await createOrg({ name });
  const { key } = await mintKey(`organization:${org.id}`);
  return { id: org.id, key };
}

const domainsOf = async (orgId: string) => (await get(`organizations/${orgId}`)).body.domainStates;

async function routeReason(email: string) {
  const exec = createExecutionContext();
  const route = await routeLoginByEmail(env, email, exec);
  await waitOnExecutionContext(exec);
  return route.ok ? route.organization.id : route.reason;
}

describe("an unverified domain blocks nobody", () => {
  it("a squatter's unverified claim does not stop the real org: it gets the domain, the squatter loses it", async () => {
    const bigcorp = uniqueDomain("bigcorp");
    const squatter = await customer();
    const squatted = await patch(`organizations/${squatter.id}`, { domains: [bigcorp] }, { key: squatter.key });
    expectStatus(squatted, 200);
    expect(squatted.body.domainStates).toEqual([{ domain: bigcorp, verified: false }]);

    // The real BigCorp, set up by the app (an app-wide key): its domain is verified and its own.
    const real = await post("organizations", { name: "BigCorp", domains: [bigcorp] });
    expectStatus(real, 201);
    expect(real.body.domainStates).toEqual([{ domain: bigcorp, verified: true }]);
    expect(await kv(bigcorp)).toEqual({ organizationId: real.body.id, connectionId: null });

    // Verifying it removed it from the squatter, with a domain.removed event naming no org.
    expect(await domainsOf(squatter.id)).toEqual([]);
    const removed = (await orgEvents(squatter.id, "&type=domain.removed"))[0]!;
    expect(removed).toMatchObject({ target: bigcorp, data: { reason: "verified_by_another_organization" } });
    expect(JSON.stringify(removed)).not.toContain(real.body.id);
    // The squatter cannot claim it again, unverified or through an app-wide key.
    const again = await patch(`organizations/${squatter.id}`, { domains: [bigcorp] }, { key: squatter.key });
    expectProblem(again, 409, "domain_taken");
    expect(JSON.stringify(again.body)).not.toContain(real.body.id);
    expectProblem(await patch(`organizations/${squatter.id}`, { domains: [bigcorp] }), 409, "domain_taken");
  });

  it("unverified claims coexist in several orgs, route nobody, and verifying one removes the others", async () => {
    const domain = uniqueDomain("shared");
    const [a, b, c] = await Promise.all([customer("A"), customer("B"), customer("C")]);
    for (const org of [a, b, c]) {
      expectStatus(await patch(`organizations/${org.id}`, { domains: [domain] }, { key: org.key }), 200);
      expect(await domainsOf(org.id)).toEqual([{ domain, verified: false }]);
    }
    // Nobody routes a login there, nobody is in the index.
    expect(await kv(domain)).toBeNull();
    expect(await routeReason(`jane@${domain}`)).toBe("unverified_domain");
    // B's pending connection listing it loses the domain with it.
    const listed = await createSamlConnection(b.id, { domains: [domain] }, b.key);

    const verified = await post(`organizations/${c.id}/domains/${domain}/verify`);
    expectStatus(verified, 200);
    expect(verified.body.domainStates).toEqual([{ domain, verified: true }]);
    expect(await kv(domain)).toEqual({ organizationId: c.id, connectionId: null });
    for (const loser of [a, b]) {
      expect(await domainsOf(loser.id)).toEqual([]);
      expect((await orgEvents(loser.id, "&type=domain.removed")).map((e) => e.target)).toEqual([domain]);
    }
    expect((await get(`organizations/${b.id}/connections/${listed.id}`)).body.domains).toEqual([]);
    expect((await orgEvents(b.id, "&type=domain.removed"))[0]!.data).toEqual({
      reason: "verified_by_another_organization",
      connections: [listed.id],
    });
    // The winner kept its own events of adding and verifying it, and nothing was removed there.
    expect((await orgEvents(c.id, "&type=domain.removed")).length).toBe(0);
    expect(await domainClaim(env, domain).pendingClaims()).toEqual([]);
  });

  it("an org's own unverified domain listed again by an app-wide key is verified, and evicts the others", async () => {
    const domain = uniqueDomain("relist");
    const [mine, other] = await Promise.all([customer("Mine"), customer("Other")]);
    await patch(`organizations/${mine.id}`, { domains: [domain] }, { key: mine.key });
    await patch(`organizations/${other.id}`, { domains: [domain] }, { key: other.key });
    const relisted = await patch(`organizations/${mine.id}`, { domains: [domain] });
    expectStatus(relisted, 200);
    expect(relisted.body.domainStates).toEqual([{ domain, verified: true }]);
    expect(await domainsOf(other.id)).toEqual([]);
    expect(await domainClaim(env, domain).owner()).toBe(mine.id);
  });
});

describe("a verified domain is exclusive", () => {
  it("answers 409 domain_taken, naming no org, to every other claim; verification never takes it", async () => {
    const domain = uniqueDomain("owned");
    const owner = await createOrg({ domains: [domain] });
    const other = await customer("Other");
    const attempts = [
      await patch(`organizations/${other.id}`, { domains: [domain] }, { key: other.key }),
      await patch(`organizations/${other.id}`, { domains: [domain] }),
      await post("organizations", { name: "Copycat", domains: [domain] }),
    ];
    for (const attempt of attempts) {
      expectProblem(attempt, 409, "domain_taken");
      expect(attempt.text).not.toContain(owner.id);
    }
    // An org holding it unverified without a claim (as a failed eviction would leave it)
    // cannot verify it away from its owner.
    await orgOp(env, other.id, "addDomains", { domains: [domain], verified: false });
    expectProblem(await post(`organizations/${other.id}/domains/${domain}/verify`), 409, "domain_taken");
    expect(await domainsOf(other.id)).toEqual([{ domain, verified: false }]);
    expect(await domainClaim(env, domain).owner()).toBe(owner.id);
    expect(await kv(domain)).toEqual({ organizationId: owner.id, connectionId: null });
    // Dropping that stale unverified copy leaves the owner's index entry alone.
    await orgOp(env, other.id, "removeDomains", { domains: [domain] });
    expect(await kv(domain)).toEqual({ organizationId: owner.id, connectionId: null });
    expect(await routeReason(`jane@${domain}`)).toBe("no_active_connection");
    expect((await get(`organizations/${owner.id}`)).body.domainStates).toEqual([{ domain, verified: true }]);
  });

  it("a refused verified claim gives back the pending claim it replaced", async () => {
    const [free, taken] = [uniqueDomain("free"), uniqueDomain("taken")];
    await createOrg({ domains: [taken] });
    const org = await customer("Mixed");
    await patch(`organizations/${org.id}`, { domains: [free] }, { key: org.key });
    // All or nothing: `taken` is refused, so `free` goes back to pending, not verified nor lost.
    expectProblem(await patch(`organizations/${org.id}`, { domains: [free, taken] }), 409, "domain_taken");
    expect(await domainsOf(org.id)).toEqual([{ domain: free, verified: false }]);
    expect(await domainClaim(env, free).lookup()).toEqual({ owner: null, pending: true });
    const other = await customer("Later");
    expectStatus(await patch(`organizations/${other.id}`, { domains: [free] }, { key: other.key }), 200);
  });
});
