import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { mintKey, patch, post } from "../admin/helpers";
import { exchangeCode, failureReason, PERSISTENT_NAME_ID, samlLogin, seedSaml, type Seeded } from "./flow-helpers";

async function idToken(s: Seeded, acs: Response): Promise<Record<string, unknown>> {
  expect(acs.status).toBe(302);
  const code = new URL(acs.headers.get("location")!).searchParams.get("code")!;
  const tokens = await (await exchangeCode(s, code)).json<{ id_token: string }>();
  return decodeJwt(tokens.id_token);
}

function refusalRef(acs: Response): string {
  return /ref_[0-9a-z]{16}/.exec(new URL(acs.headers.get("location")!).searchParams.get("error_description")!)![0];
}

/** Who a verified login belongs to (SPEC §3), and when an asserted email may be trusted (security review). */
describe("member matching", () => {
  it("a new subject of the same connection does not inherit a member bound to another subject", async () => {
    const s = await seedSaml();
    const email = `alice@${s.domain}`;
    const first = await idToken(s, await samlLogin(s, email, { nameIdFormat: PERSISTENT_NAME_ID, nameId: "p-alice" }));
    const again = await idToken(s, await samlLogin(s, email, { nameIdFormat: PERSISTENT_NAME_ID, nameId: "p-alice" }));
    expect(again.sub).toBe(first.sub);
    const newcomer = await samlLogin(s, email, { nameIdFormat: PERSISTENT_NAME_ID, nameId: "p-new-hire" });
    expect(new URL(newcomer.headers.get("location")!).searchParams.get("error")).toBe("access_denied");
    expect(await failureReason(s.orgId, refusalRef(newcomer))).toBe("subject_mismatch");
  });

  it("an email in a domain the org added but never verified routes nobody in", async () => {
    const s = await seedSaml();
    const orgKey = await mintKey(`organization:${s.orgId}`);
    const unverified = `unverified-${crypto.randomUUID().slice(0, 8)}.example.net`;
    const added = await patch(`organizations/${s.orgId}`, { domains: [s.domain, unverified] }, { key: orgKey.key });
    expect(added.status).toBe(200);
    const acs = await samlLogin(s, `ceo@${unverified}`);
    expect(await failureReason(s.orgId, refusalRef(acs))).toBe("email_domain_not_allowed");
  });

  it("allowAnyEmailDomain: outside emails are not verified and never take over a member", async () => {
    const s = await seedSaml({ connection: { allowAnyEmailDomain: true } });
    const outsider = await idToken(s, await samlLogin(s, "bob@elsewhere.example.org"));
    expect(outsider.email).toBe("bob@elsewhere.example.org");
    expect(outsider.email_verified).toBe(false);
    const inside = await idToken(s, await samlLogin(s, `carol@${s.domain}`));
    expect(inside.email_verified).toBe(true);

    const victim = await seedSaml();
    await post(`organizations/${s.orgId}/users`, { email: `dave@${victim.domain}` });
    const takeover = await samlLogin(s, `dave@${victim.domain}`, {
      nameIdFormat: PERSISTENT_NAME_ID,
      nameId: "p-dave",
    });
    expect(await failureReason(s.orgId, refusalRef(takeover))).toBe("email_not_verified");
  });

  it("only an app-wide key may set allowAnyEmailDomain", async () => {
    const s = await seedSaml();
    const orgKey = await mintKey(`organization:${s.orgId}`);
    const refused = await patch(
      `organizations/${s.orgId}/connections/${s.connectionId}`,
      { allowAnyEmailDomain: true },
      { key: orgKey.key },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("forbidden");
    expect(
      (await patch(`organizations/${s.orgId}/connections/${s.connectionId}`, { allowAnyEmailDomain: true })).status,
    ).toBe(200);
  });
});
