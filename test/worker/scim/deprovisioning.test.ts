/**
 * Deprovisioning end to end (SPEC §10): a SCIM user signs in through SAML and gets a token;
 * PATCH active:false (or DELETE) stops it at once — userinfo 401, the unspent code refused,
 * the next login refused as member_deprovisioned in the audit log — and JIT never brings a
 * deleted member back.
 */
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { orgEvents, post } from "../admin/helpers";
import {
  BASE,
  exchangeCode,
  failureReason,
  fetchWorker,
  PERSISTENT_NAME_ID,
  samlLogin,
  seedSaml,
  type Seeded,
} from "../flow/flow-helpers";
import { scim, type ScimOrg } from "./helpers";

const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

const login = (s: Seeded, email: string, nameId: string) =>
  samlLogin(s, email, { nameIdFormat: PERSISTENT_NAME_ID, nameId });

const codeOf = (acs: Response) => {
  expect(acs.status).toBe(302);
  const code = new URL(acs.headers.get("location")!).searchParams.get("code");
  expect(code, acs.headers.get("location")!).toBeTruthy();
  return code!;
};

function refusalRef(acs: Response): string {
  const location = new URL(acs.headers.get("location")!);
  expect(location.searchParams.get("error")).toBe("access_denied");
  return location.searchParams.get("error_description")!;
}

async function seedWithScim(org: Record<string, unknown> = {}): Promise<Seeded & ScimOrg> {
  const s = await seedSaml({ org });
  const minted = await post(`organizations/${s.orgId}/scim-tokens`, { name: "Entra ID" });
  expect(minted.status).toBe(201);
  return { ...s, token: minted.body.token, tokenId: minted.body.id, base: `${BASE}/scim/v2/${s.orgId}` };
}

const userinfo = (accessToken: string) =>
  fetchWorker(`${BASE}/oauth/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });

describe("deprovisioning", () => {
  it("active:false revokes the access token and the unspent code, and refuses the next login", async () => {
    const s = await seedWithScim({ jitProvisioning: false });
    const email = `jane@${s.domain}`;
    const created = await scim(s, "POST", "/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: email,
      externalId: "entra-object-id-1",
      emails: [{ value: email, type: "work", primary: true }],
    });
    expect(created.status).toBe(201);
    const tokens = await (
      await exchangeCode(s, codeOf(await login(s, email, "p-jane")))
    ).json<{
      access_token: string;
      id_token: string;
    }>();
    expect(decodeJwt(tokens.id_token).sub).toBe(created.body.id);
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    const unspent = codeOf(await login(s, email, "p-jane"));

    const patched = await scim(s, "PATCH", `/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: "replace", path: "active", value: false }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.active).toBe(false);

    expect((await userinfo(tokens.access_token)).status).toBe(401);
    const spent = await exchangeCode(s, unspent);
    expect(spent.status).toBe(400);
    expect((await spent.json<{ error: string }>()).error).toBe("invalid_grant");
    const refused = await login(s, email, "p-jane");
    expect(await failureReason(s.orgId, refusalRef(refused))).toBe("member_deprovisioned");
    const [deactivated] = await orgEvents(s.orgId, "&type=user.deactivated");
    expect(deactivated).toMatchObject({
      target: created.body.id,
      actor: `scim_token:${s.tokenId}`,
      data: { revokedCodes: 1, revokedAccessTokens: 1 },
    });
  }, 60_000);

  it("DELETE leaves a tombstone: a new subject with the same email is refused and JIT does not recreate it", async () => {
    const s = await seedWithScim({ jitProvisioning: true });
    const email = `kim@${s.domain}`;
    const created = await scim(s, "POST", "/Users", { userName: email });
    expect(created.status).toBe(201);
    codeOf(await login(s, email, "p-kim"));
    expect((await scim(s, "DELETE", `/Users/${created.body.id}`)).status).toBe(204);
    expect(await failureReason(s.orgId, refusalRef(await login(s, email, "p-kim")))).toBe("member_deprovisioned");
    expect(await failureReason(s.orgId, refusalRef(await login(s, email, "p-other")))).toBe("member_deprovisioned");
    const jit = await orgEvents(s.orgId, "&type=user.created");
    expect(jit.map((e) => e.data.source)).toEqual(["scim"]);
  });

  it("a SCIM user is matched by verified email, never by externalId, then bound to its subject", async () => {
    const s = await seedWithScim({ jitProvisioning: false });
    const email = `lee@${s.domain}`;
    const created = await scim(s, "POST", "/Users", { userName: email, externalId: "p-intruder" });
    // A login whose NameID equals the externalId but whose email is another person's is not this user.
    const other = await login(s, `someone@${s.domain}`, "p-intruder");
    expect(await failureReason(s.orgId, refusalRef(other))).toBe("not_a_member");
    const tokens = await (await exchangeCode(s, codeOf(await login(s, email, "p-lee")))).json<{ id_token: string }>();
    expect(decodeJwt(tokens.id_token).sub).toBe(created.body.id);
  });
});
