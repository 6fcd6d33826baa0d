/**
 * Refusals against the hostile OpenID provider (test/setup/hostile-oidc.ts): every bad
 * answer ends on an HTML error page (or an access_denied redirect the user caused) with
 * its precise reason in the org's audit log — never a code, never a 500.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { orgOp } from "../../../src/store/stores";
import {
  admin,
  callback,
  createClient,
  createOidcTenant,
  expectCodeRedirect,
  expectErrorPage,
  expectErrorRedirect,
  redeemCode,
  REDIRECT_URI,
  ROOT_KEY,
  send,
  startLogin,
  warmUp,
  type OidcTenant,
} from "./helpers";

const hostile = inject("hostileOidc");

/** A tenant whose IdP is the hostile provider's `scenario` (its own issuer, `~tag`). */
function tenantFor(scenario: string, fields: Record<string, unknown> = {}): Promise<OidcTenant> {
  const issuer = `${hostile.base}/t/${scenario}~${crypto.randomUUID().slice(0, 8)}`;
  return createOidcTenant({ issuer, clientId: hostile.clientId, clientSecret: hostile.clientSecret, ...fields });
}

/** Starts a login and lets the hostile IdP answer; returns the callback URL and the login. */
async function throughIdp(tenant: OidcTenant, client: { clientId: string }) {
  const login = await startLogin(client.clientId, `eve@${tenant.domain}`);
  const idp = await fetch(login.idpUrl, { redirect: "manual" });
  expect(idp.status).toBe(302);
  return { login, callbackUrl: idp.headers.get("location")! };
}

/** The worker's first request (module load, first signing key) can take seconds on a busy machine. */
beforeAll(warmUp, 60_000);

describe("OIDC login against the hostile provider", () => {
  it("completes a good login, and a login whose email is only in userinfo", async () => {
    const client = await createClient();
    for (const scenario of ["good", "no-email"]) {
      const tenant = await tenantFor(scenario);
      const { login, callbackUrl } = await throughIdp(tenant, client);
      const code = expectCodeRedirect(await callback(callbackUrl, login.bindingCookie), login.appState);
      const token = await redeemCode(client, code, login.verifier);
      expect(token.status, token.text).toBe(200);
      expect(token.body.profile).toMatchObject({
        organizationId: tenant.orgId,
        connectionId: tenant.connectionId,
        connectionType: "oidc",
        idpId: "hostile-user-1",
        email: `eve@${tenant.domain}`,
        firstName: "Eve",
        lastName: "Mallory",
        groups: ["red-team"],
      });
      const connection = (await admin("GET", `organizations/${tenant.orgId}/connections/${tenant.connectionId}`)).body;
      const cached = await orgOp(env, tenant.orgId, "getOidcIdpCache", {
        connectionId: tenant.connectionId,
        issuer: connection.oidc.issuer,
      });
      expect(cached?.metadata?.issuer).toBe(connection.oidc.issuer);
      expect(cached?.jwks?.keys[0]?.kid).toBe("hostile-1");
    }
  });

  const refusals: Array<[string, string]> = [
    ["wrong-key", "id_token_signature_invalid"],
    ["unknown-kid", "id_token_signature_invalid"],
    ["wrong-aud", "audience_mismatch"],
    ["aud-multi", "audience_mismatch"],
    ["expired", "id_token_expired"],
    ["future-iat", "id_token_not_yet_valid"],
    ["wrong-nonce", "nonce_mismatch"],
    ["wrong-iss", "issuer_mismatch"],
    ["alg-none", "id_token_alg_not_allowed"],
    ["hs256", "id_token_alg_not_allowed"],
    ["token-error", "token_endpoint_error"],
    ["token-500", "token_endpoint_error"],
  ];
  it.each(refusals)("refuses %s as %s", async (scenario, reason) => {
    const client = await createClient();
    const tenant = await tenantFor(scenario);
    const { login, callbackUrl } = await throughIdp(tenant, client);
    const reply = await callback(callbackUrl, login.bindingCookie);
    expect(reply.text).not.toMatch(/code=/);
    expect(await expectErrorPage(reply, tenant.orgId)).toBe(reason);
    expect(reply.headers.get("set-cookie")).toMatch(/^esso_[^=]+=; .*Max-Age=0/);
  });

  it("sends the user back with access_denied when the IdP answers error=access_denied", async () => {
    const client = await createClient();
    const tenant = await tenantFor("deny");
    const { login, callbackUrl } = await throughIdp(tenant, client);
    const reply = await callback(callbackUrl, login.bindingCookie);
    expect(await expectErrorRedirect(reply, tenant.orgId, "access_denied", login.appState)).toBe("idp_error");
  });

  it("shows other IdP errors on the error page by their code", async () => {
    const client = await createClient();
    const tenant = await tenantFor("good");
    const login = await startLogin(client.clientId, `eve@${tenant.domain}`);
    const state = login.idpUrl.searchParams.get("state")!;
    const reply = await callback(
      `https://sso.test/oidc/callback?error=temporarily_unavailable&error_description=%3Cscript%3E&state=${encodeURIComponent(state)}`,
      login.bindingCookie,
    );
    expect(reply.text).toContain("temporarily_unavailable");
    expect(reply.text).not.toContain("<script>");
    expect(await expectErrorPage(reply, tenant.orgId)).toBe("idp_error");
  });

  it("refuses an email the IdP has not verified (access_denied), unless the connection allows it", async () => {
    const client = await createClient();
    const strict = await tenantFor("unverified");
    const first = await throughIdp(strict, client);
    const refused = await callback(first.callbackUrl, first.login.bindingCookie);
    expect(await expectErrorRedirect(refused, strict.orgId, "access_denied", first.login.appState)).toBe(
      "email_not_verified",
    );
    const lenient = await tenantFor("unverified", { emailVerifiedRequired: false });
    const second = await throughIdp(lenient, client);
    const code = expectCodeRedirect(
      await callback(second.callbackUrl, second.login.bindingCookie),
      second.login.appState,
    );
    const token = await redeemCode(client, code, second.login.verifier);
    expect(token.body.profile.email).toBe(`eve@${lenient.domain}`);
  });
});

describe("OIDC callback state and browser binding", () => {
  it("refuses a state that names no pending login, and a malformed one", async () => {
    const tenant = await tenantFor("good");
    const forged = `${tenant.orgId.slice(4)}.${"A".repeat(43)}`;
    expect(
      await expectErrorPage(
        await callback(`https://sso.test/oidc/callback?code=x&state=${forged}`, null),
        tenant.orgId,
      ),
    ).toBe("unknown_state");
    expect(
      await expectErrorPage(await callback("https://sso.test/oidc/callback?code=x&state=nonsense", null), null),
    ).toBe("unknown_state");
    expect(await expectErrorPage(await callback("https://sso.test/oidc/callback?code=x", null), null)).toBe(
      "unknown_state",
    );
  });

  it("refuses a replayed state: the pending login is consumed once", async () => {
    const client = await createClient();
    const tenant = await tenantFor("good");
    const { login, callbackUrl } = await throughIdp(tenant, client);
    expectCodeRedirect(await callback(callbackUrl, login.bindingCookie), login.appState);
    expect(await expectErrorPage(await callback(callbackUrl, login.bindingCookie), tenant.orgId)).toBe("unknown_state");
  });

  it("refuses a callback from another browser without spending the pending login", async () => {
    const client = await createClient();
    const tenant = await tenantFor("good");
    const { login, callbackUrl } = await throughIdp(tenant, client);
    expect(await expectErrorPage(await callback(callbackUrl, null), tenant.orgId)).toBe("browser_mismatch");
    const otherBrowser = login.bindingCookie.replace(/=.*/, "=someone-elses-cookie");
    expect(await expectErrorPage(await callback(callbackUrl, otherBrowser), tenant.orgId)).toBe("browser_mismatch");
    expectCodeRedirect(await callback(callbackUrl, login.bindingCookie), login.appState);
  });
});

describe("OIDC IdP outages", () => {
  it("shows an error page when the token endpoint is unreachable", async () => {
    const client = await createClient();
    const issuer = `${hostile.base}/t/good~${crypto.randomUUID().slice(0, 8)}`;
    const tenant = await createOidcTenant({
      issuer,
      clientId: hostile.clientId,
      clientSecret: hostile.clientSecret,
      authorizationEndpoint: `${issuer}/authorize`,
      tokenEndpoint: `${hostile.closedUrl}/token`,
      jwksUri: `${issuer}/jwks`,
    });
    const { login, callbackUrl } = await throughIdp(tenant, client);
    expect(await expectErrorPage(await callback(callbackUrl, login.bindingCookie), tenant.orgId)).toBe(
      "idp_unreachable",
    );
  });

  it("shows an error page at start when discovery breaks after activation", async () => {
    const client = await createClient();
    const tenant = await tenantFor("good");
    const connection = (await admin("GET", `organizations/${tenant.orgId}/connections/${tenant.connectionId}`)).body;
    await fetch(`${connection.oidc.issuer}/_break`, { method: "POST" });
    const query = new URLSearchParams({
      response_type: "code",
      client_id: client.clientId,
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      login_hint: `eve@${tenant.domain}`,
    });
    const reply = await send(`/oauth/authorize?${query}`);
    expect(await expectErrorPage(reply, tenant.orgId)).toBe("discovery_failed");
  });

  it("keeps logging in from the cached discovery document while discovery is down", async () => {
    const client = await createClient();
    const tenant = await tenantFor("good");
    const first = await throughIdp(tenant, client);
    expectCodeRedirect(await callback(first.callbackUrl, first.login.bindingCookie), first.login.appState);
    const connection = (await admin("GET", `organizations/${tenant.orgId}/connections/${tenant.connectionId}`)).body;
    await fetch(`${connection.oidc.issuer}/_break`, { method: "POST" });
    const second = await throughIdp(tenant, client);
    expectCodeRedirect(await callback(second.callbackUrl, second.login.bindingCookie), second.login.appState);
  });

  it("refuses to activate a connection whose issuer is unreachable", async () => {
    const org = await admin("POST", "organizations", { name: "Down Corp" });
    const created = await admin("POST", `organizations/${org.body.id}/connections`, {
      type: "oidc",
      oidc: { issuer: `${hostile.closedUrl}/t/good`, clientId: "a", clientSecret: "b" },
    });
    const reply = await send(`/api/v1/organizations/${org.body.id}/connections/${created.body.id}/activate`, {
      method: "POST",
      headers: { authorization: `Bearer ${ROOT_KEY}` },
    });
    expect(reply.status).toBe(409);
    expect(reply.body.errors[0].path).toBe("oidc.issuer");
    expect(reply.body.errors[0].message).toMatch(/^discovery at .* failed: no answer: /);
  });
});
