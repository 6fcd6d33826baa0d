import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import {
  authorizeUrl,
  BASE,
  exchangeCode,
  fetchWorker,
  inflate,
  pkce,
  postAcs,
  REDIRECT_URI,
  seedSaml,
  signResponse,
  startLogin,
} from "./flow-helpers";

describe("SAML login, end to end through the worker and the dev IdP (xmlsec1)", () => {
  it("start → AuthnRequest → signed response → ACS → code → token → userinfo", async () => {
    const s = await seedSaml();
    const { verifier, challenge } = await pkce();
    const email = `jane@${s.domain}`;
    const started = await startLogin(
      authorizeUrl(s, {
        login_hint: email,
        state: "st-1",
        nonce: "n-1",
        code_challenge: challenge,
        code_challenge_method: "S256",
      }),
    );
    expect(started.requestXml).toContain(`AssertionConsumerServiceURL="${s.acsUrl}"`);
    expect(started.requestXml).toMatch(new RegExp(`<saml:Issuer[^>]*>${s.entityId}</saml:Issuer>`));
    expect(started.requestId).toMatch(/^_[0-9a-f]{32}$/);
    expect(started.location.searchParams.has("Signature")).toBe(false);

    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email,
      attributes: { firstName: ["Jane"], lastName: ["Doe"], groups: ["eng", "ops"] },
    });
    const acs = await postAcs(
      s.acsUrl,
      { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
      started.cookie,
    );
    expect(acs.status).toBe(302);
    const back = new URL(acs.headers.get("location")!);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
    expect(back.searchParams.get("state")).toBe("st-1");
    expect(acs.headers.get("set-cookie")).toContain("Max-Age=0");

    const token = await exchangeCode(s, back.searchParams.get("code")!, { code_verifier: verifier });
    expect(token.status).toBe(200);
    const tokens = await token.json<{ id_token: string; access_token: string; profile: Record<string, unknown> }>();
    const jwks = await (await fetchWorker(`${BASE}/.well-known/jwks.json`)).json<{ keys: [] }>();
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token, createLocalJWKSet(jwks), {
      issuer: BASE,
      audience: s.clientId,
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload).toMatchObject({
      email,
      nonce: "n-1",
      given_name: "Jane",
      family_name: "Doe",
      org_id: s.orgId,
      groups: ["eng", "ops"],
    });
    expect(tokens.profile).toMatchObject({
      email,
      organizationId: s.orgId,
      connectionId: s.connectionId,
      connectionType: "saml",
      idpId: email,
    });

    const userinfo = await fetchWorker(`${BASE}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: payload.sub, email, org_id: s.orgId });
  });

  it("sends a signed HTTP-Redirect AuthnRequest whose signature verifies with the SP certificate", async () => {
    const s = await seedSaml({ saml: { signAuthnRequests: true, forceAuthn: true, nameIdFormat: "emailAddress" } });
    const response = await fetchWorker(authorizeUrl(s, { login_hint: `a@${s.domain}` }));
    const location = response.headers.get("location")!;
    const query = location.slice(location.indexOf("?") + 1);
    const signedPart = query.slice(0, query.indexOf("&Signature="));
    const url = new URL(location);
    expect(url.searchParams.get("SigAlg")).toBe("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
    const xml = await inflate(url.searchParams.get("SAMLRequest")!);
    expect(xml).toContain('ForceAuthn="true"');
    expect(xml).toContain('Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"');
    const metadata = await (await fetchWorker(`${BASE}/saml/${s.connectionId}/metadata`)).text();
    const certB64 = /<md:KeyDescriptor use="signing">[\s\S]*?<ds:X509Certificate>([^<]+)</
      .exec(metadata)![1]!
      .replace(/\s+/g, "");
    const { X509Certificate } = await import("@peculiar/x509");
    const cert = new X509Certificate(Uint8Array.from(atob(certB64), (c) => c.charCodeAt(0)));
    const key = await crypto.subtle.importKey(
      "spki",
      cert.publicKey.rawData,
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["verify"],
    );
    const signature = Uint8Array.from(atob(url.searchParams.get("Signature")!), (c) => c.charCodeAt(0));
    expect(await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, signature, new TextEncoder().encode(signedPart))).toBe(
      true,
    );
  });

  it("uses the HTTP-POST binding with an auto-submitting form under a strict CSP", async () => {
    const s = await seedSaml({ saml: { idpSsoBinding: "post" } });
    const response = await fetchWorker(authorizeUrl(s, { login_hint: `b@${s.domain}` }));
    expect(response.status).toBe(200);
    const html = await response.text();
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'nonce-[0-9a-f]+'/);
    expect(html).toMatch(/<form id="saml" method="post" action="http:\/\/127\.0\.0\.1:\d+\/sso">/);
    const samlRequest = /name="SAMLRequest" value="([^"]+)"/.exec(html)![1]!;
    const xml = new TextDecoder().decode(Uint8Array.from(atob(samlRequest), (c) => c.charCodeAt(0)));
    expect(xml).toContain(`AssertionConsumerServiceURL="${s.acsUrl}"`);
    expect(html).toMatch(/name="RelayState" value="[0-9a-z]{26}\.[A-Za-z0-9_-]{43}"/);
  });

  it("shows the hosted work-email page when the app names no user, org or connection", async () => {
    const s = await seedSaml();
    const response = await fetchWorker(authorizeUrl(s, { state: "keep-me" }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('name="login_hint" type="email"');
    expect(html).toContain('name="state" value="keep-me"');
    expect(html).toContain(`name="client_id" value="${s.clientId}"`);
    const started = await startLogin(authorizeUrl(s, { state: "keep-me", login_hint: `c@${s.domain}`, hosted: "1" }));
    expect(started.requestId).toBeTruthy();
  });

  it("routes by organization_id and by connection_id", async () => {
    const s = await seedSaml();
    for (const params of [{ organization_id: s.orgId }, { connection_id: s.connectionId }] as Record<
      string,
      string
    >[]) {
      const started = await startLogin(authorizeUrl(s, params));
      expect(started.requestXml).toContain(s.acsUrl);
    }
  });

  it("keeps two tabs apart: each pending login has its own cookie", async () => {
    const s = await seedSaml();
    const tab1 = await startLogin(authorizeUrl(s, { login_hint: `d@${s.domain}`, state: "one" }));
    const tab2 = await startLogin(authorizeUrl(s, { login_hint: `d@${s.domain}`, state: "two" }));
    expect(tab1.cookie.split("=")[0]).not.toBe(tab2.cookie.split("=")[0]);
    const both = `${tab1.cookie}; ${tab2.cookie}`;
    for (const [tab, state] of [
      [tab2, "two"],
      [tab1, "one"],
    ] as const) {
      const signed = await signResponse({
        inResponseTo: tab.requestId,
        acsUrl: s.acsUrl,
        audience: s.entityId,
        email: `d@${s.domain}`,
      });
      const acs = await postAcs(s.acsUrl, { SAMLResponse: signed.samlResponse, RelayState: tab.relayState }, both);
      expect(acs.status).toBe(302);
      expect(new URL(acs.headers.get("location")!).searchParams.get("state")).toBe(state);
    }
  });
});
