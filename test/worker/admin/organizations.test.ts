/** SPEC §2 and §8: organizations and their domains. */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  createOrg,
  createSamlConnection,
  del,
  expectProblem,
  expectStatus,
  get,
  mintKey,
  patch,
  post,
  uniqueDomain,
} from "./helpers";

describe("POST /organizations", () => {
  it("creates an org with the SPEC §8 defaults", async () => {
    const domain = uniqueDomain();
    const response = await post("organizations", { name: "Acme Corp", domains: [domain] });
    expectStatus(response, 201);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.body).toMatchObject({
      id: expect.stringMatching(/^org_[0-9a-z]{26}$/),
      name: "Acme Corp",
      slug: "acme-corp",
      ssoAllowed: true,
      jitProvisioning: true,
      domains: [domain],
      activeSso: "none",
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: expect.any(String),
    });
    expect(response.body.domainStates).toEqual([{ domain, verified: true }]);
    const fetched = await get(`organizations/${response.body.id}`);
    expectStatus(fetched, 200);
    expect(fetched.body).toEqual(response.body);
  });

  it("honours ssoAllowed, jitProvisioning and an explicit slug; refuses a taken slug with 409", async () => {
    const slug = `custom-${crypto.randomUUID().slice(0, 8)}`;
    const org = await createOrg({ slug, ssoAllowed: false, jitProvisioning: false });
    expect(org).toMatchObject({ slug, ssoAllowed: false, jitProvisioning: false });
    expectProblem(await post("organizations", { name: "Other", slug }), 409, "conflict");
  });

  it("derives a distinct slug when the name's slug is taken", async () => {
    const name = `Same Name ${crypto.randomUUID().slice(0, 6)}`;
    const a = await createOrg({ name });
    const b = await createOrg({ name });
    expect(a.slug).not.toBe(b.slug);
    expect(b.slug.startsWith(a.slug)).toBe(true);
  });

  it("validates the body: 400 validation_failed with errors[]", async () => {
    const missing = await post("organizations", {});
    expectProblem(missing, 400, "validation_failed");
    expect(missing.body.errors).toEqual([{ path: "name", message: "is required" }]);
    const badSlug = await post("organizations", { name: "x", slug: "Not A Slug" });
    expectProblem(badSlug, 400, "validation_failed");
    expect(badSlug.body.errors.map((e: { path: string }) => e.path)).toEqual(["slug"]);
    const unknown = await post("organizations", { name: "x", plan: "enterprise" });
    expectProblem(unknown, 400, "validation_failed");
    expect(unknown.body.errors).toEqual([{ path: "plan", message: "unknown field" }]);
    const wrongType = await post("organizations", { name: "x", ssoAllowed: "yes" });
    expectProblem(wrongType, 400, "validation_failed");
    expect(wrongType.body.errors).toEqual([{ path: "ssoAllowed", message: "must be boolean" }]);
  });
});

describe("domains", () => {
  it("normalizes: lower case, IDNA, trailing dot, duplicates, comma-separated strings", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const org = await createOrg({
      domains: ` Foo-${tag}.Example.COM., foo-${tag}.example.com ,Shop-${tag}.Bücher.example`,
    });
    expect(org.domains).toEqual([`foo-${tag}.example.com`, `shop-${tag}.xn--bcher-kva.example`]);
  });

  it("refuses IP addresses, single labels and malformed names with 400 validation_failed naming each", async () => {
    for (const bad of [
      "192.168.1.10",
      "[::1]",
      "localhost",
      "exa mple.com",
      "a..b.com",
      "-bad.example.com",
      "acme.com/path",
      "user@acme.com",
      "acme.123",
    ]) {
      const response = await post("organizations", {
        name: "x",
        domains: [`ok-${crypto.randomUUID().slice(0, 6)}.example.com`, bad],
      });
      expectProblem(response, 400, "validation_failed");
      expect(response.body.errors, bad).toEqual([
        { path: "domains.1", message: expect.stringContaining(JSON.stringify(bad)) },
      ]);
    }
  });

  it("refuses consumer mail domains with 400 domain_not_allowed", async () => {
    for (const consumer of ["gmail.com", "Outlook.com", "yahoo.com", "icloud.com", "proton.me"]) {
      expectProblem(await post("organizations", { name: "x", domains: [consumer] }), 400, "domain_not_allowed");
    }
    const org = await createOrg();
    expectProblem(await patch(`organizations/${org.id}`, { domains: "gmail.com" }), 400, "domain_not_allowed");
  });

  it("refuses the country variants of consumer mail domains (the maintained list plus our additions)", async () => {
    // outlook.de, hotmail.it, yahoo.co.in and gmx.at come from the email-providers package;
    // yandex.ua and tuta.io are our own additions, which the package lacks.
    const variants = ["outlook.de", "hotmail.it", "yahoo.co.in", "gmx.at", "yandex.ua", "tuta.io"];
    for (const consumer of variants) {
      const response = await post("organizations", {
        name: "x",
        domains: [`company-${crypto.randomUUID().slice(0, 6)}.com`, consumer],
      });
      expectProblem(response, 400, "domain_not_allowed");
      expect(response.body.errors, consumer).toEqual([
        { path: "domains", message: `${consumer} is a consumer mail domain` },
      ]);
    }
    const org = await createOrg();
    expectProblem(await patch(`organizations/${org.id}`, { domains: ["YAHOO.co.in"] }), 400, "domain_not_allowed");
    // Verifying one through the app-wide route is refused the same way.
    expectProblem(await post(`organizations/${org.id}/domains/gmx.at/verify`, {}), 400, "domain_not_allowed");
  });

  it("keeps the RFC 2606 example domains usable as company domains (the package lists example.com)", async () => {
    const org = await createOrg({ domains: ["example.org"] });
    expect(org.domains).toContain("example.org");
  });

  it("keeps a domain in one org: 409 domain_taken, and the loser keeps nothing", async () => {
    const shared = uniqueDomain();
    const own = uniqueDomain();
    const first = await createOrg({ domains: [shared] });
    const refused = await post("organizations", { name: "Second", domains: [own, shared] });
    expectProblem(refused, 409, "domain_taken");
    expect(refused.body.errors).toEqual([{ path: "domains", message: expect.stringContaining(shared) }]);
    // The refused creation released its other claim: a third org can take it.
    const third = await createOrg({ domains: [own] });
    expect(third.domains).toEqual([own]);
    const other = await createOrg();
    expectProblem(await patch(`organizations/${other.id}`, { domains: [shared] }), 409, "domain_taken");
    expect((await get(`organizations/${first.id}`)).body.domains).toEqual([shared]);
  });

  it("PATCH replaces the domain set, releasing dropped domains for other orgs", async () => {
    const [a, b, c] = [uniqueDomain(), uniqueDomain(), uniqueDomain()];
    const org = await createOrg({ domains: [a, b] });
    const updated = await patch(`organizations/${org.id}`, { domains: [b, c] });
    expectStatus(updated, 200);
    expect([...updated.body.domains].sort()).toEqual([b, c].sort());
    const taker = await createOrg({ domains: [a] });
    expect(taker.domains).toEqual([a]);
  });

  it("refuses to drop a domain a connection still lists (409 conflict)", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    await createSamlConnection(org.id, { domains: [domain] });
    expectProblem(await patch(`organizations/${org.id}`, { domains: [] }), 409, "conflict");
    expect((await get(`organizations/${org.id}`)).body.domains).toEqual([domain]);
  });

  it("a refused PATCH changes nothing: no new domain, no new claim, the old slug kept", async () => {
    const [listed, fresh] = [uniqueDomain(), uniqueDomain()];
    const slug = `kept-${crypto.randomUUID().slice(0, 8)}`;
    const org = await createOrg({ domains: [listed], slug });
    await createSamlConnection(org.id, { domains: [listed] });
    const newSlug = `new-${crypto.randomUUID().slice(0, 8)}`;
    expectProblem(await patch(`organizations/${org.id}`, { slug: newSlug, domains: [fresh] }), 409, "conflict");
    expect((await get(`organizations/${org.id}`)).body).toMatchObject({ domains: [listed], slug });
    // The new domain was not kept claimed, and the new slug not kept reserved.
    expect((await createOrg({ domains: [fresh], slug: newSlug })).domains).toEqual([fresh]);
    // The old slug is still this org's.
    expectProblem(await post("organizations", { name: "x", slug }), 409, "conflict");
    const taken = await createOrg({ domains: [uniqueDomain()] });
    const slug2 = `other-${crypto.randomUUID().slice(0, 8)}`;
    expectProblem(
      await patch(`organizations/${org.id}`, { slug: slug2, domains: [listed, taken.domains[0]] }),
      409,
      "domain_taken",
    );
    expectProblem(
      await patch(`organizations/${org.id}`, { slug: slug2, domains: ["gmail.com"] }),
      400,
      "domain_not_allowed",
    );
    expect((await createOrg({ slug: slug2 })).slug).toBe(slug2);
    expect((await get(`organizations/${org.id}`)).body).toMatchObject({ domains: [listed], slug });
  });

  it("marks domains an org-scoped key adds unverified until an app-wide key verifies them", async () => {
    const org = await createOrg();
    const { key } = await mintKey(`organization:${org.id}`);
    const domain = uniqueDomain();
    const added = await patch(`organizations/${org.id}`, { domains: [domain] }, { key });
    expectStatus(added, 200);
    expect(added.body.domainStates).toEqual([{ domain, verified: false }]);
    expect(await env.DOMAINS.get(domain)).toBeNull();
    const verified = await post(`organizations/${org.id}/domains/${encodeURIComponent(domain.toUpperCase())}/verify`);
    expectStatus(verified, 200);
    expect(verified.body.domainStates).toEqual([{ domain, verified: true }]);
    expect(await env.DOMAINS.get(domain, "json")).toEqual({ organizationId: org.id, connectionId: null });
    expectProblem(await post(`organizations/${org.id}/domains/not-mine.example.com/verify`), 404, "not_found");
  });

  it("an app-wide key listing an unverified domain again verifies it", async () => {
    const org = await createOrg();
    const { key } = await mintKey(`organization:${org.id}`);
    const domain = uniqueDomain();
    await patch(`organizations/${org.id}`, { domains: [domain] }, { key });
    const relisted = await patch(`organizations/${org.id}`, { domains: [domain] });
    expect(relisted.body.domainStates).toEqual([{ domain, verified: true }]);
  });
});

describe("GET /organizations", () => {
  it("pages with limit and after, and returns nextCursor null at the end", async () => {
    const created = [await createOrg(), await createOrg(), await createOrg()].map((o) => o.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: { body: { data: { id: string }[]; nextCursor: string | null }; status: number } = await get(
        `organizations?limit=2${after ? `&after=${after}` : ""}`,
      );
      expectStatus(page as never, 200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((o) => o.id));
      after = page.body.nextCursor;
      if (!after) break;
    }
    expect(seen).toEqual(expect.arrayContaining(created));
    expect(new Set(seen).size).toBe(seen.length);
    expectProblem(await get("organizations?limit=0"), 400, "validation_failed");
    expectProblem(await get("organizations?limit=101"), 400, "validation_failed");
  });

  it("skips an id reserved for an org whose creation never finished", async () => {
    const org = await createOrg();
    const orphan = "org_00000000000000000000000001";
    await runInDurableObject(env.APP.get(env.APP.idFromName("organizations")), (_i, state) => {
      state.storage.sql.exec(
        "INSERT INTO organizations VALUES (?, ?, ?)",
        orphan,
        `orphan-${crypto.randomUUID()}`,
        new Date().toISOString(),
      );
    });
    const list = await get("organizations?limit=100");
    expectStatus(list, 200);
    const ids = list.body.data.map((o: { id: string }) => o.id);
    expect(ids).toContain(org.id);
    expect(ids).not.toContain(orphan);
    expectProblem(await get("organizations?limit=abc"), 400, "validation_failed");
  });
});

describe("PATCH and DELETE /organizations/{orgId}", () => {
  it("updates name, slug and jitProvisioning", async () => {
    const org = await createOrg();
    const slug = `renamed-${crypto.randomUUID().slice(0, 8)}`;
    const response = await patch(`organizations/${org.id}`, { name: "Renamed", slug, jitProvisioning: false });
    expectStatus(response, 200);
    expect(response.body).toMatchObject({ name: "Renamed", slug, jitProvisioning: false });
    expect(response.body.updatedAt >= response.body.createdAt).toBe(true);
    expectProblem(await patch(`organizations/${org.id}`, { ssoAllowed: false }), 400, "validation_failed");
  });

  it("deletes an org: 204, then 404 everywhere, its slug and domains released", async () => {
    const domain = uniqueDomain();
    const slug = `gone-${crypto.randomUUID().slice(0, 8)}`;
    const org = await createOrg({ domains: [domain], slug });
    const connection = await createSamlConnection(org.id);
    expectStatus(await del(`organizations/${org.id}`), 204);
    expectProblem(await get(`organizations/${org.id}`), 404, "not_found");
    expectProblem(await get(`organizations/${org.id}/connections/${connection.id}`), 404, "not_found");
    expectProblem(await get(`organizations/${org.id}/users`), 404, "not_found");
    expectProblem(await del(`organizations/${org.id}`), 404, "not_found");
    expect((await get("organizations?limit=100")).body.data.map((o: { id: string }) => o.id)).not.toContain(org.id);
    expect(await env.DOMAINS.get(domain)).toBeNull();
    const reborn = await createOrg({ domains: [domain], slug });
    expect(reborn).toMatchObject({ domains: [domain], slug });
  });

  it("answers 404 not_found for an org that never existed", async () => {
    for (const id of ["org_00000000000000000000000000", "nope"]) {
      expectProblem(await get(`organizations/${id}`), 404, "not_found");
      expectProblem(await patch(`organizations/${id}`, { name: "x" }), 404, "not_found");
      expectProblem(await del(`organizations/${id}`), 404, "not_found");
    }
  });
});
