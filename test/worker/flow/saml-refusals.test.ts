import { describe, expect, it } from "vitest";
import { patch, post } from "../admin/helpers";
import {
  authorizeUrl,
  BASE,
  exchangeCode,
  failureReason,
  fetchWorker,
  pkce,
  postAcs,
  REDIRECT_URI,
  seedSaml,
  signResponse,
  startLogin,
} from "./flow-helpers";

/** Refusals a browser sees (SPEC §3): each asserts the reason recorded under the page's reference id. */
describe("login refusals", () => {
  it("an unknown client gets an HTML error page, never a redirect", async () => {
    const response = await fetchWorker(authorizeUrl({ clientId: "client_nope" }, { login_hint: "a@b.example" }));
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await failureReason(null, await response.text())).toBe("unknown_client");
  });

  it.each([
    ["prefix", `${REDIRECT_URI}/extra`],
    ["suffix", REDIRECT_URI.slice(0, -1)],
    ["case", REDIRECT_URI.replace("app", "APP")],
    ["encoding", REDIRECT_URI.replace("callback", "call%62ack")],
    ["query", `${REDIRECT_URI}?next=https://evil.example`],
    ["userinfo", "https://app.example.com@evil.example/callback"],
  ])("a redirect URI that differs by %s gets an error page, not a redirect", async (_name, uri) => {
    const s = await seedSaml();
    const response = await fetchWorker(authorizeUrl(s, { login_hint: `x@${s.domain}`, redirect_uri: uri }));
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(await failureReason(null, await response.text())).toBe("redirect_uri_mismatch");
  });

  it("a disallowed org and an inactive connection route nobody", async () => {
    const s = await seedSaml();
    await post(`organizations/${s.orgId}/disallow_sso`);
    let response = await fetchWorker(authorizeUrl(s, { login_hint: `x@${s.domain}`, state: "s1" }));
    let location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("s1");
    await post(`organizations/${s.orgId}/allow_sso`);
    await post(`organizations/${s.orgId}/connections/${s.connectionId}/deactivate`);
    response = await fetchWorker(authorizeUrl(s, { connection_id: s.connectionId }));
    location = new URL(response.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("access_denied");
  });

  it("refuses at the ACS when the org was disallowed after the login started", async () => {
    const s = await seedSaml();
    const started = await startLogin(authorizeUrl(s, { login_hint: `x@${s.domain}` }));
    await post(`organizations/${s.orgId}/disallow_sso`);
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email: `x@${s.domain}`,
    });
    const acs = await postAcs(
      s.acsUrl,
      { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
      started.cookie,
    );
    expect(acs.status).toBe(400);
    expect(await failureReason(s.orgId, await acs.text())).toBe("sso_not_allowed");
  });

  it("refuses an asserted email in another org's domain", async () => {
    const s = await seedSaml();
    const other = await seedSaml();
    const started = await startLogin(authorizeUrl(s, { login_hint: `x@${s.domain}`, state: "z" }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email: `mallory@${other.domain}`,
    });
    const acs = await postAcs(
      s.acsUrl,
      { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
      started.cookie,
    );
    const location = new URL(acs.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.has("code")).toBe(false);
    const ref = /ref_[0-9a-z]{16}/.exec(location.searchParams.get("error_description")!)![0];
    expect(await failureReason(s.orgId, ref)).toBe("email_domain_not_allowed");
  });

  it("refuses a response for another browser's pending login, without spending it", async () => {
    const s = await seedSaml();
    const started = await startLogin(authorizeUrl(s, { login_hint: `x@${s.domain}` }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email: `x@${s.domain}`,
    });
    const other = await startLogin(authorizeUrl(s, { login_hint: `y@${s.domain}` }));
    const acs = await postAcs(
      s.acsUrl,
      { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
      other.cookie,
    );
    expect(acs.status).toBe(400);
    expect(acs.headers.get("location")).toBeNull();
    expect(await failureReason(s.orgId, await acs.text())).toBe("browser_mismatch");
    const mine = await postAcs(
      s.acsUrl,
      { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
      started.cookie,
    );
    expect(mine.status).toBe(302);
    expect(new URL(mine.headers.get("location")!).searchParams.get("code")).toBeTruthy();
  });

  it("refuses a tampered RelayState", async () => {
    const s = await seedSaml();
    const started = await startLogin(authorizeUrl(s, { login_hint: `x@${s.domain}` }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email: `x@${s.domain}`,
    });
    const tampered = `${started.relayState.slice(0, -1)}${started.relayState.endsWith("A") ? "B" : "A"}`;
    const acs = await postAcs(s.acsUrl, { SAMLResponse: signed.samlResponse, RelayState: tampered }, started.cookie);
    expect(acs.status).toBe(400);
    expect(await failureReason(s.orgId, await acs.text())).toBe("unknown_relay_state");
  });

  it("refuses a replayed response (IdP-initiated, so only the replay cache stands in the way)", async () => {
    const s = await seedSaml({ saml: { allowIdpInitiated: true } });
    await patch(`organizations/${s.orgId}/connections/${s.connectionId}`, {
      idpInitiatedClientId: s.clientId,
      idpInitiatedRedirectUri: REDIRECT_URI,
    });
    const signed = await signResponse({
      inResponseTo: null,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email: `x@${s.domain}`,
    });
    const first = await postAcs(s.acsUrl, { SAMLResponse: signed.samlResponse });
    expect(first.status).toBe(302);
    expect(new URL(first.headers.get("location")!).searchParams.get("code")).toBeTruthy();
    const second = await postAcs(s.acsUrl, { SAMLResponse: signed.samlResponse });
    expect(second.status).toBe(400);
    expect(await failureReason(s.orgId, await second.text())).toBe("replayed");
  });

  it("refuses an unsolicited response when IdP-initiated login is off", async () => {
    const s = await seedSaml();
    const signed = await signResponse({
      inResponseTo: null,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email: `x@${s.domain}`,
    });
    const acs = await postAcs(s.acsUrl, { SAMLResponse: signed.samlResponse });
    expect(acs.status).toBe(400);
    expect(await failureReason(s.orgId, await acs.text())).toBe("unsolicited");
  });

  it("records the verifier's reason for a forged response (signed by another key)", async () => {
    const s = await seedSaml();
    const started = await startLogin(authorizeUrl(s, { login_hint: `x@${s.domain}` }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email: `x@${s.domain}`,
      signWith: "rogue",
    });
    const acs = await postAcs(
      s.acsUrl,
      { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
      started.cookie,
    );
    expect(acs.status).toBe(400);
    expect(await acs.text()).not.toContain("signature");
    expect(["signature_invalid", "untrusted_certificate"]).toContain(
      await failureReason(s.orgId, await (await postAgain()).text()),
    );
    async function postAgain() {
      const again = await startLogin(authorizeUrl(s, { login_hint: `x@${s.domain}` }));
      const forged = await signResponse({
        inResponseTo: again.requestId,
        acsUrl: s.acsUrl,
        audience: s.entityId,
        email: `x@${s.domain}`,
        signWith: "rogue",
      });
      return postAcs(s.acsUrl, { SAMLResponse: forged.samlResponse, RelayState: again.relayState }, again.cookie);
    }
  });

  it("refuses a non-member at start and at the ACS when JIT provisioning is off", async () => {
    const s = await seedSaml({ org: { jitProvisioning: false } });
    const early = await fetchWorker(authorizeUrl(s, { login_hint: `stranger@${s.domain}` }));
    expect(new URL(early.headers.get("location")!).searchParams.get("error")).toBe("access_denied");
    await post(`organizations/${s.orgId}/users`, { email: `member@${s.domain}` });
    const started = await startLogin(authorizeUrl(s, { login_hint: `member@${s.domain}` }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email: `stranger@${s.domain}`,
    });
    const acs = await postAcs(
      s.acsUrl,
      { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
      started.cookie,
    );
    const ref = /ref_[0-9a-z]{16}/.exec(
      new URL(acs.headers.get("location")!).searchParams.get("error_description")!,
    )![0];
    expect(await failureReason(s.orgId, ref)).toBe("not_a_member");
  });

  describe("codes", () => {
    async function codeFor(s: Awaited<ReturnType<typeof seedSaml>>, challenge?: string): Promise<string> {
      const started = await startLogin(
        authorizeUrl(s, {
          login_hint: `x@${s.domain}`,
          ...(challenge ? { code_challenge: challenge, code_challenge_method: "S256" } : {}),
        }),
      );
      const signed = await signResponse({
        inResponseTo: started.requestId,
        acsUrl: s.acsUrl,
        audience: s.entityId,
        email: `x@${s.domain}`,
      });
      const acs = await postAcs(
        s.acsUrl,
        { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
        started.cookie,
      );
      return new URL(acs.headers.get("location")!).searchParams.get("code")!;
    }

    it("works once; presenting it again revokes the access token it gave (RFC 6749 §4.1.2)", async () => {
      const s = await seedSaml();
      const code = await codeFor(s);
      const first = await exchangeCode(s, code);
      expect(first.status).toBe(200);
      const { access_token } = await first.json<{ access_token: string }>();
      const userinfo = () =>
        fetchWorker(`${BASE}/oauth/userinfo`, { headers: { authorization: `Bearer ${access_token}` } });
      expect((await userinfo()).status).toBe(200);
      const reused = await exchangeCode(s, code);
      expect(reused.status).toBe(400);
      expect(await reused.json()).toMatchObject({ error: "invalid_grant" });
      expect((await userinfo()).status).toBe(401);
    });

    it("is bound to its client and to PKCE", async () => {
      const s = await seedSaml();
      const other = await post("clients", { name: "Other", redirectUris: [REDIRECT_URI] });
      const code = await codeFor(s);
      const stolen = await exchangeCode(
        { ...s, clientId: other.body.clientId, clientSecret: other.body.clientSecret },
        code,
      );
      expect(stolen.status).toBe(400);
      expect(await stolen.json()).toMatchObject({ error: "invalid_grant" });
      const { challenge } = await pkce();
      const pkceCode = await codeFor(s, challenge);
      const wrong = await exchangeCode(s, pkceCode, { code_verifier: (await pkce()).verifier });
      expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });
    });
  });

  it("serves the SP metadata the IdP imports", async () => {
    const s = await seedSaml();
    const response = await fetchWorker(`${BASE}/saml/${s.connectionId}/metadata`);
    expect(response.headers.get("content-type")).toContain("application/samlmetadata+xml");
    expect(await response.text()).toContain(`Location="${s.acsUrl}"`);
  });
});
