/**
 * What is not built is not advertised (SPEC preamble, issue 16
 * item 2). Every check follows src/features.ts, so the change that builds a feature flips
 * one switch there and these tests then demand the feature is advertised.
 */
import { describe, expect, it } from "vitest";
import { BUILT } from "../../src/features";
import { BASE, createOrg, createSamlConnection, expectStatus, get } from "./admin/helpers";

describe("single logout (BUILT.logout)", () => {
  it("discovery advertises end_session_endpoint and back-channel logout only when built", async () => {
    const discovery = await get("/.well-known/openid-configuration", { key: null });
    expectStatus(discovery, 200);
    expect("end_session_endpoint" in discovery.body).toBe(BUILT.logout);
    expect("backchannel_logout_supported" in discovery.body).toBe(BUILT.logout);
    if (BUILT.logout) expect(discovery.body.end_session_endpoint).toBe(`${BASE}/oauth/logout`);
  });

  it("SP metadata lists SingleLogoutService, and sp.sloUrl is set, only when built", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    expect(c.sp.sloUrl).toBe(BUILT.logout ? `${BASE}/saml/${c.id}/slo` : null);
    const json = await get(`organizations/${org.id}/connections/${c.id}/sp-metadata`);
    expect(json.body.sloUrl).toBe(c.sp.sloUrl);
    const xml = await get(`/saml/${c.id}/metadata`, { key: null });
    expectStatus(xml, 200);
    expect(xml.text.includes("SingleLogoutService")).toBe(BUILT.logout);
  });
});
