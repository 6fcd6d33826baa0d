/**
 * SPEC §2 `disallow_sso` (issue 10, hole 2): disallowing an org's SSO revokes what its
 * earlier logins left usable. The attack: a code minted and an access token issued before
 * the app disallowed the org keep working afterwards.
 */
import { beforeAll, describe, expect, it } from "vitest";
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
  type Client,
} from "./helpers";

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

describe("disallow_sso revokes the org's codes and access tokens", () => {
  it("a code minted before it fails with invalid_grant; an access token fails userinfo with 401", async () => {
    const tenant = await createTenant();
    const issued = await redeem(await issueCode(tenant, { clientId: client.clientId }));
    expect(issued.status, issued.text).toBe(200);
    const accessToken = issued.body.access_token as string;
    expect((await userinfo(accessToken)).status).toBe(200);
    const unspent = await issueCode(tenant, { clientId: client.clientId });

    await admin("POST", `organizations/${tenant.orgId}/disallow_sso`);

    expectOAuthError(await redeem(unspent), 400, "invalid_grant", /invalid, expired or already used/);
    const refused = await userinfo(accessToken);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe("invalid_token");
    const events = await admin("GET", `organizations/${tenant.orgId}/events?type=organization.sso_disallowed`);
    expect(events.body.data.map((e: { data: unknown }) => e.data)).toEqual([
      { revokedCodes: 1, revokedAccessTokens: 1, revokedSetupLinks: 0 },
    ]);

    // Allowing SSO again brings nothing back: the revocation was for good.
    await admin("POST", `organizations/${tenant.orgId}/allow_sso`);
    expect((await userinfo(accessToken)).status).toBe(401);
    expectOAuthError(await redeem(unspent), 400, "invalid_grant");
  });

  it("touches no other org: its codes and tokens keep working", async () => {
    const [disallowed, bystander] = await Promise.all([createTenant(), createTenant()]);
    const token = (await redeem(await issueCode(bystander, { clientId: client.clientId }))).body.access_token;
    const code = await issueCode(bystander, { clientId: client.clientId });
    await admin("POST", `organizations/${disallowed.orgId}/disallow_sso`);
    expect((await userinfo(token)).status).toBe(200);
    expect((await redeem(code)).status).toBe(200);
  });
});
