import { describe, expect, it } from "vitest";
import { send } from "../worker-client";
import { seedSaml } from "./flow-helpers";

/** The end-user and OAuth routes answer hostile input in their own formats, never with a 500. */
describe("hostile input on the public routes", () => {
  it("never answers 500, and answers in the route's format", async () => {
    const s = await seedSaml();
    const acs = `/saml/${s.connectionId}/acs`;
    const form = "application/x-www-form-urlencoded";
    const cases: Array<[string, RequestInit, RegExp]> = [
      ["/oauth/authorize?client_id=%ZZ&redirect_uri=x", {}, /text\/html/],
      [`/oauth/authorize?client_id=${s.clientId}&client_id=${s.clientId}&redirect_uri=x`, {}, /text\/html/],
      [
        `/oauth/authorize?client_id=${s.clientId}&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&response_type=code&scope=openid&login_hint=${"a".repeat(5000)}@x`,
        {},
        /./,
      ],
      [
        `/oauth/authorize?client_id=${s.clientId}&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&response_type=code&scope=openid&connection_id=conn_%00`,
        {},
        /./,
      ],
      [acs, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }, /text\/html/],
      [
        acs,
        { method: "POST", headers: { "content-type": form }, body: "SAMLResponse=%%%&RelayState=%00" },
        /text\/html/,
      ],
      [
        acs,
        { method: "POST", headers: { "content-type": form }, body: `SAMLResponse=${"A".repeat(2_000_000)}` },
        /text\/html/,
      ],
      [
        acs,
        { method: "POST", headers: { "content-type": form }, body: `SAMLResponse=${btoa("<not-xml")}&RelayState=x.y` },
        /text\/html/,
      ],
      [
        "/saml/conn_bogus/acs",
        { method: "POST", headers: { "content-type": form }, body: "SAMLResponse=AAAA" },
        /text\/html/,
      ],
      ["/saml/conn_bogus/metadata", {}, /problem\+json/],
      [`/saml/${s.connectionId}/slo`, {}, /text\/html/],
      [`/saml/${s.connectionId}/slo?SAMLRequest=%%%&SigAlg=x&Signature=%00`, {}, /./],
      [`/saml/${s.connectionId}/slo?SAMLRequest=${"A".repeat(20_000)}`, {}, /./],
      [`/saml/${s.connectionId}/slo?SAMLRequest=x&SAMLResponse=y`, {}, /./],
      [
        `/saml/${s.connectionId}/slo`,
        { method: "POST", headers: { "content-type": form }, body: `SAMLRequest=${btoa("<not-xml")}` },
        /./,
      ],
      [
        `/saml/${s.connectionId}/slo`,
        { method: "POST", headers: { "content-type": "application/json" }, body: "{}" },
        /text\/html/,
      ],
      ["/saml/conn_bogus/slo?SAMLRequest=AAAA", {}, /text\/html/],
      ["/oidc/callback", {}, /text\/html/],
      ["/oidc/callback?state=%FF&code=x", {}, /text\/html/],
      [
        "/oauth/token",
        { method: "POST", headers: { "content-type": form }, body: "grant_type=authorization_code&code=%ZZ" },
        /json/,
      ],
      ["/oauth/token", { method: "POST", headers: { "content-type": "text/plain" }, body: "\u0000" }, /json/],
      ["/oauth/userinfo", { headers: { authorization: "Bearer \u00ff" } }, /./],
      [
        "/api/v1/sso/saml/complete",
        { method: "POST", headers: { "content-type": "application/json", authorization: "Basic !!" }, body: "{" },
        /problem\+json/,
      ],
    ];
    for (const [path, init, type] of cases) {
      const reply = await send(path, init);
      expect(reply.status, `${path}: ${reply.text.slice(0, 200)}`).toBeLessThan(500);
      expect(reply.status, path).toBeGreaterThanOrEqual(300);
      expect(reply.headers.get("content-type") ?? "(redirect)", path).toMatch(reply.status === 302 ? /./ : type);
      expect(reply.text, path).not.toMatch(/at .*\.ts:\d+|Error: /);
    }
  });

  it("hostile /oauth/logout requests get a page (confirm, signed out or refusal), never a redirect elsewhere or a 500", async () => {
    const s = await seedSaml();
    const form = "application/x-www-form-urlencoded";
    const cases: Array<[string, RequestInit]> = [
      ["/oauth/logout?id_token_hint=a.b.c&post_logout_redirect_uri=https%3A%2F%2Fevil.example", {}],
      [`/oauth/logout?client_id=${s.clientId}&post_logout_redirect_uri=%ZZ&state=%00`, {}],
      [`/oauth/logout?client_id=${s.clientId}&post_logout_redirect_uri=https%3A%2F%2Fevil.example`, {}],
      ["/oauth/logout?id_token_hint=" + "e".repeat(20_000), {}],
      ["/oauth/logout", { method: "POST", headers: { "content-type": "text/plain" }, body: "\u0000" }],
      ["/oauth/logout", { method: "POST", headers: { "content-type": form }, body: "csrf=%%%&confirm=1" }],
    ];
    for (const [path, init] of cases) {
      const reply = await send(path, init);
      const name = path.slice(0, 120);
      expect(reply.status, `${name}: ${reply.text.slice(0, 200)}`).toBeLessThan(500);
      expect(reply.headers.get("location"), name).toBeNull();
      expect(reply.headers.get("content-type"), name).toMatch(/text\/html/);
      expect(reply.text, name).not.toMatch(/at .*\.ts:\d+|Error: |evil\.example/);
    }
  });

  it("a LogoutResponse that answers no request of ours ends on the signed-out page: no redirect, no 500", async () => {
    const s = await seedSaml();
    const reply = await send(`/saml/${s.connectionId}/slo?SAMLResponse=AAAA&RelayState=%FF`);
    expect(reply.status, reply.text.slice(0, 200)).toBe(200);
    expect(reply.headers.get("location")).toBeNull();
    expect(reply.headers.get("content-type")).toMatch(/text\/html/);
    expect(reply.text).toContain("You are signed out");
    expect(reply.text).not.toMatch(/at .*\.ts:\d+|Error: /);
  });
});
