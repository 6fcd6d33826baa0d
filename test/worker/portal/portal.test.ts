/** SPEC §9 setup portal: every step through the worker, with the dev IdP (xmlsec1) signing. */
import { describe, expect, inject, it } from "vitest";
import { get, orgEvents } from "../admin/helpers";
import { IDP_GUIDES } from "../../../src/portal/guides";
import { chooseIdp, linkRow, newLink, open, page, rows, runTestSignIn, submit } from "./portal-helpers";

const idp = inject("devIdp");

describe("setup portal", () => {
  it("opens a link with strict security headers and offers every IdP of SPEC §9", async () => {
    const link = await newLink();
    const { html, response } = await open(link);
    const csp = response.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(html).not.toMatch(/<script(?![^>]*src=)/);
    expect(html).not.toMatch(/ style=/);
    expect(html).toContain("Portal Test Corp");
    for (const name of [
      "Okta",
      "Microsoft Entra ID",
      "Google Workspace",
      "OneLogin",
      "JumpCloud",
      "Rippling",
      "Duo",
      "ADFS",
      "Keycloak",
      "PingOne / PingFederate",
      "Auth0",
      "Other SAML 2.0 IdP",
      "OpenID Connect",
      "LDAP directory",
    ])
      expect(html).toContain(`>${name}<small>`);
    expect(IDP_GUIDES).toHaveLength(14);
    const css = await page("/setup-assets/portal.css");
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
  });

  it("shows APP_NAME on every page and refuses a logo from another origin", async () => {
    const { appBranding } = await import("../../../src/portal/branding");
    const base = { PUBLIC_URL: "https://sso.test" } as Parameters<typeof appBranding>[0];
    expect(appBranding({ ...base, APP_NAME: "Acme Cloud", APP_LOGO_URL: "/logo.svg" })).toEqual({
      name: "Acme Cloud",
      logoUrl: "/logo.svg",
    });
    expect(appBranding({ ...base, APP_LOGO_URL: "https://evil.example/logo.png" })).toEqual({
      name: "edge-sso",
      logoUrl: null,
    });
    expect(appBranding({ ...base, APP_LOGO_URL: "data:image/png;base64,iVBORw0KGgo=" }).logoUrl).toBe(
      "data:image/png;base64,iVBORw0KGgo=",
    );
    expect(appBranding({ ...base, APP_LOGO_URL: "javascript:alert(1)" }).logoUrl).toBeNull();
  });

  it("choosing Okta creates the link's one draft connection and shows Okta's guide with the SP values", async () => {
    const link = await newLink();
    const connectionId = await chooseIdp(link, "okta");
    const connection = await get(`organizations/${link.orgId}/connections/${connectionId}`);
    expect(connection.body).toMatchObject({
      type: "saml",
      state: "draft",
      provider: "Okta",
      name: "Okta",
      domains: [],
    });
    const { html } = await open(link);
    expect(html).toContain("Audience URI (SP Entity ID)");
    expect(html).toContain("Single sign-on URL");
    expect(html).toContain(connection.body.sp.acsUrl);
    expect(html).toContain(connection.body.sp.entityId);
    expect(html).toContain(connection.body.sp.metadataUrl);
    // A second choice makes no second connection.
    expect((await submit(link, "/provider", { provider: "entra-id" })).status).toBe(303);
    expect((await rows(link.orgId, "connections")).map((c) => c.id)).toEqual([connectionId]);
    const created = (await orgEvents(link.orgId)).find((e) => e.type === "connection.created");
    expect(created?.actor).toBe(`setup_link:${link.linkId}`);
  });

  it("keeps a link made for one protocol to IdPs of that protocol", async () => {
    const link = await newLink({ connectionType: "oidc" });
    const { html } = await open(link);
    expect(html).toContain(">OpenID Connect<small>");
    expect(html).not.toContain(">Okta<small>");
    const refused = await submit(link, "/provider", { provider: "okta" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("This setup link is for a oidc connection.");
    expect(await rows(link.orgId, "connections")).toEqual([]);
  });

  it("saves pasted metadata, an uploaded file, and the fields", async () => {
    const link = await newLink();
    const connectionId = await chooseIdp(link);
    expect((await submit(link, "/idp", { method: "xml", metadataXml: idp.metadataXml })).status).toBe(303);
    let saml = (await get(`organizations/${link.orgId}/connections/${connectionId}`)).body.saml;
    expect(saml).toMatchObject({ idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl });
    const upload = await submit(
      link,
      "/idp",
      { method: "xml", metadataXml: "" },
      { files: { metadataFile: { name: "idp.xml", text: idp.metadataXml } } },
    );
    expect(upload.status, await upload.clone().text()).toBe(303);
    const fields = await submit(link, "/idp", {
      method: "fields",
      idpSsoUrl: idp.ssoUrl,
      idpEntityId: "https://other.example/idp",
      idpCertificate: idp.certificatePem,
    });
    expect(fields.status).toBe(303);
    saml = (await get(`organizations/${link.orgId}/connections/${connectionId}`)).body.saml;
    expect(saml.idpEntityId).toBe("https://other.example/idp");
    const updates = (await orgEvents(link.orgId)).filter((e) => e.type === "connection.updated");
    expect(updates.every((e) => e.actor === `setup_link:${link.linkId}`)).toBe(true);
    expect(updates.length).toBeGreaterThanOrEqual(2);
  });

  it("runs a test sign-in through the draft connection: the profile, no code, no member", async () => {
    const link = await newLink();
    const connectionId = await chooseIdp(link);
    await submit(link, "/idp", { method: "xml", metadataXml: idp.metadataXml });
    const { resultPath } = await runTestSignIn(link, connectionId, {
      attributes: { firstName: ["Jane"], lastName: ["Doe"], groups: ["engineering", "admins"] },
    });
    expect(resultPath).toMatch(new RegExp(`^${link.path}/tests/req_`));
    const result = await page(resultPath!);
    const html = await result.text();
    expect(result.status).toBe(200);
    expect(html).toContain("The test sign-in worked.");
    expect(html).toContain(`jane@${link.domain}`);
    expect(html).toContain("engineering, admins");
    expect(html).toContain("Raw attributes");
    expect(await rows(link.orgId, "members")).toEqual([]);
    expect(await rows(link.orgId, "auth_codes")).toEqual([]);
    const events = await orgEvents(link.orgId);
    const test = events.find((e) => e.type === "connection.test_succeeded");
    expect(test).toMatchObject({ actor: `setup_link:${link.linkId}`, target: connectionId });
    expect(events.some((e) => e.type.startsWith("login."))).toBe(false);
    // The attempts list on the portal shows it, with the user.
    const { html: portal } = await open(link);
    expect(portal).toContain("Last sign-in attempts");
    expect(portal).toMatch(/Test<\/td><td>jane@portal/);
  });

  it("a failed test sign-in shows the exact reason and what to change", async () => {
    const link = await newLink();
    const connectionId = await chooseIdp(link);
    await submit(link, "/idp", { method: "xml", metadataXml: idp.metadataXml });
    const { resultPath } = await runTestSignIn(link, connectionId, { signWith: "rogue" });
    const html = await (await page(resultPath!)).text();
    expect(html).toContain("The test sign-in failed.");
    expect(html).toContain("untrusted_certificate");
    expect(html).toContain("give the metadata again, or paste its current signing certificate");
    expect((await orgEvents(link.orgId)).find((e) => e.type === "connection.test_failed")?.data).toMatchObject({
      reason: "untrusted_certificate",
    });
  });

  it("with only an SSO URL and a certificate, offers the verified Issuer as entity ID and saves it once confirmed", async () => {
    const link = await newLink();
    const connectionId = await chooseIdp(link, "generic-saml");
    await submit(link, "/idp", { method: "fields", idpSsoUrl: idp.ssoUrl, idpCertificate: idp.certificatePem });
    const before = await get(`organizations/${link.orgId}/connections/${connectionId}`);
    expect(before.body.saml.idpEntityId).toBeNull();
    const { resultPath } = await runTestSignIn(link, connectionId);
    const html = await (await page(resultPath!)).text();
    expect(html).toContain(idp.entityId);
    expect(html).toContain("Use this entity ID");
    expect((await get(`organizations/${link.orgId}/connections/${connectionId}`)).body.saml.idpEntityId).toBeNull();
    const confirmed = await submit(link, `${resultPath!.slice(link.path.length)}/use-entity-id`, {});
    expect(confirmed.status).toBe(303);
    expect((await get(`organizations/${link.orgId}/connections/${connectionId}`)).body.saml.idpEntityId).toBe(
      idp.entityId,
    );
  });

  it("activates: the connection goes live, sso_configuration.enabled fires, and the link ends as used", async () => {
    const link = await newLink();
    const connectionId = await chooseIdp(link);
    const early = await submit(link, "/activate", {});
    expect(early.status).toBe(409);
    expect(await early.text()).toContain("The IdP sign-in URL is missing");
    await submit(link, "/idp", { method: "xml", metadataXml: idp.metadataXml });
    const activated = await submit(link, "/activate", {});
    expect(activated.status).toBe(200);
    expect(await activated.text()).toContain("Single sign-on is live.");
    expect((await get(`organizations/${link.orgId}/connections/${connectionId}`)).body.state).toBe("active");
    const enabled = (await orgEvents(link.orgId)).find((e) => e.type === "sso_configuration.enabled");
    expect(enabled).toMatchObject({ actor: `setup_link:${link.linkId}`, target: connectionId });
    expect((await linkRow(link)).used_at).toEqual(expect.any(String));
    const list = await get(`organizations/${link.orgId}/setup-links`);
    expect(list.body.data[0]).toMatchObject({
      status: "used",
      connectionId,
      connectionType: "saml",
      usedAt: expect.any(String),
    });
    const after = await page(link.path);
    expect(after.status).toBe(410);
    expect(await after.text()).not.toContain("Portal Test Corp");
  });
});
