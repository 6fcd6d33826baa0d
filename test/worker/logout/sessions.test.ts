/**
 * SPEC §9 logout, the session half: every login opens a session whose `sid` its ID token
 * carries, and ending the session revokes exactly its unspent codes and access tokens
 * (ACS-completed SAML logins record NameID and SessionIndex: logout-idp.test.ts).
 */
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { newOrgToken } from "../../../src/lib/ids";
import { orgOp } from "../../../src/store/stores";
import {
  admin,
  basic,
  createClient,
  createTenant,
  expectOAuthError,
  issueCode,
  REDIRECT_URI,
  send,
  tokenRequest,
  workerEnv,
  type Client,
} from "../oauth/helpers";

let client: Client;
beforeAll(async () => {
  client = await createClient();
}, 60_000);

const redeem = (code: string) =>
  tokenRequest(
    { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
    { authorization: basic(client.clientId, client.clientSecret!) },
  );
const userinfo = (token: string) => send("/oauth/userinfo", { headers: { authorization: `Bearer ${token}` } });

describe("login sessions", () => {
  it("the ID token carries the session's sid", async () => {
    const tenant = await createTenant();
    const sid = newOrgToken(tenant.orgId);
    const issued = await redeem(await issueCode(tenant, { clientId: client.clientId, sid }));
    expect(issued.status, issued.text).toBe(200);
    expect(decodeJwt(issued.body.id_token as string).sid).toBe(sid);
  });

  it("ending a session revokes its access tokens and unspent codes, and only its own", async () => {
    const tenant = await createTenant();
    const [redeemed, unredeemed, other] = [1, 2, 3].map(() => newOrgToken(tenant.orgId)) as [string, string, string];
    const token = (await redeem(await issueCode(tenant, { clientId: client.clientId, sid: redeemed }))).body
      .access_token;
    const unspent = await issueCode(tenant, { clientId: client.clientId, sid: unredeemed });
    const bystander = (await redeem(await issueCode(tenant, { clientId: client.clientId, sid: other }))).body
      .access_token;
    expect((await userinfo(token)).status).toBe(200);

    // Another client cannot end it: the ID token hint's audience must own the session.
    const end = (sid: string, clientId = client.clientId) =>
      orgOp(workerEnv, tenant.orgId, "endSession", { sid, clientId });
    expect(await end(redeemed, "client_other")).toBeNull();
    expect((await userinfo(token)).status).toBe(200);

    expect(await end(redeemed)).toMatchObject({ sid: redeemed, clientId: client.clientId, saml: null });
    expect(await end(unredeemed)).toMatchObject({ sid: unredeemed });

    expect((await userinfo(token)).status).toBe(401);
    expectOAuthError(await redeem(unspent), 400, "invalid_grant");
    expect((await userinfo(bystander)).status).toBe(200);
    const events = await admin("GET", `organizations/${tenant.orgId}/events?type=user.logged_out`);
    const base = { connectionId: tenant.connectionId, clientId: client.clientId, initiator: "rp" };
    expect(events.body.data.map((e: { data: unknown }) => e.data)).toEqual([
      { ...base, sid: unredeemed, revokedCodes: 1, revokedAccessTokens: 0 },
      { ...base, sid: redeemed, revokedCodes: 0, revokedAccessTokens: 1 },
    ]);
    // Ended for good: a second logout finds nothing.
    expect(await end(redeemed)).toBeNull();
  });
});
