import { describe, expect, inject, it } from "vitest";

/**
 * Tests inside workerd cannot spawn xmlsec1, so they reach the dev IdP that the Node-side
 * globalSetup started (test/setup/dev-idp.ts) over loopback HTTP.
 */
describe("dev IdP from workerd", () => {
  const idp = inject("devIdp");

  it("fetches the metadata over loopback", async () => {
    const response = await fetch(`${idp.url}/metadata`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(idp.metadataXml);
  });

  it("gets a Response signed by xmlsec1 from POST /sign", async () => {
    const response = await fetch(`${idp.url}/sign`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        acsUrl: "https://sso.test/saml/conn_reach/acs",
        audience: "https://sso.test/saml/conn_reach",
        email: "jane@example.com",
        inResponseTo: "_reach",
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { samlResponse: string; assertionId: string; xml: string };
    expect(atob(body.samlResponse)).toBe(body.xml);
    expect(body.xml).toContain(`InResponseTo="_reach"`);
    expect(body.xml).toMatch(/<ds:SignatureValue>[A-Za-z0-9+/=\s]{300,}<\/ds:SignatureValue>/);
  });
});
