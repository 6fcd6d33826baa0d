import { describe, expect, it } from "vitest";
import { post } from "../admin/helpers";
import {
  authorizeUrl,
  BASE,
  exchangeCode,
  fetchWorker,
  REDIRECT_URI,
  seedSaml,
  signResponse,
  startLogin,
} from "./flow-helpers";

const APP_ACS = "https://app.example.com/saml/acs";

function complete(credentials: string, body: Record<string, unknown>): Promise<Response> {
  return fetchWorker(`${BASE}/api/v1/sso/saml/complete`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Basic ${btoa(credentials)}` },
    body: JSON.stringify(body),
  });
}

/** Seed 001: an app that hosts its own ACS completes the login from its backend. */
describe("POST /api/v1/sso/saml/complete", () => {
  it("completes a login whose response names the app's ACS, and the code works", async () => {
    const s = await seedSaml({ saml: { acsUrlOverride: APP_ACS } });
    const started = await startLogin(authorizeUrl(s, { login_hint: `x@${s.domain}`, state: "app-state" }));
    expect(started.requestXml).toContain(`AssertionConsumerServiceURL="${APP_ACS}"`);
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: APP_ACS,
      audience: s.entityId,
      email: `x@${s.domain}`,
    });
    const response = await complete(`${s.clientId}:${s.clientSecret}`, {
      SAMLResponse: signed.samlResponse,
      RelayState: started.relayState,
      organizationId: s.orgId,
      redirectUri: REDIRECT_URI,
    });
    expect(response.status).toBe(200);
    const { result } = await response.json<{ result: string }>();
    const url = new URL(result);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI);
    expect(url.searchParams.get("state")).toBe("app-state");
    expect((await exchangeCode(s, url.searchParams.get("code")!)).status).toBe(200);
  });

  it("refuses bad client credentials with 401 and another client's pending login with 400", async () => {
    const s = await seedSaml({ saml: { acsUrlOverride: APP_ACS } });
    const started = await startLogin(authorizeUrl(s, { login_hint: `x@${s.domain}` }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: APP_ACS,
      audience: s.entityId,
      email: `x@${s.domain}`,
    });
    const body = {
      SAMLResponse: signed.samlResponse,
      RelayState: started.relayState,
      organizationId: s.orgId,
      redirectUri: REDIRECT_URI,
    };
    const bad = await complete(`${s.clientId}:wrong`, body);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: "unauthorized" });
    const other = await post("clients", { name: "Other", redirectUris: [REDIRECT_URI] });
    const stolen = await complete(`${other.body.clientId}:${other.body.clientSecret}`, body);
    expect(stolen.status).toBe(400);
    expect(await stolen.json()).toMatchObject({ code: "login_failed" });
  });

  it("refuses a response addressed to edge-sso's own ACS (Destination must be the app's)", async () => {
    const s = await seedSaml({ saml: { acsUrlOverride: APP_ACS } });
    const started = await startLogin(authorizeUrl(s, { login_hint: `x@${s.domain}` }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl.replace(APP_ACS, `${BASE}/saml/${s.connectionId}/acs`),
      audience: s.entityId,
      email: `x@${s.domain}`,
    });
    const response = await complete(`${s.clientId}:${s.clientSecret}`, {
      SAMLResponse: signed.samlResponse,
      RelayState: started.relayState,
      organizationId: s.orgId,
      redirectUri: REDIRECT_URI,
    });
    expect(response.status).toBe(400);
    const problem = await response.json<{ code: string; detail: string }>();
    expect(problem.code).toBe("login_failed");
    const ref = /ref_[0-9a-z]{16}/.exec(problem.detail)![0];
    const events = await (
      await fetchWorker(`${BASE}/api/v1/organizations/${s.orgId}/events?type=login.failed`, {
        headers: { authorization: "Bearer test-root-admin-key-0123456789abcdef" },
      })
    ).json<{ data: Array<{ data: { referenceId: string; reason: string } }> }>();
    expect(events.data.find((e) => e.data.referenceId === ref)?.data.reason).toBe("destination_mismatch");
  });
});
