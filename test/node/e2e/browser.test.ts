import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startOidcPeer } from "../../setup/oidc-provider";
import { x509 } from "../../../src/crypto/x509";
import { ADMIN_KEY, startSystem, type System } from "./system";

/** A self-signed certificate that expired on 1 March 2024. */
async function expiredCertificate(): Promise<string> {
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=Old IdP",
    notBefore: new Date("2023-03-01T00:00:00Z"),
    notAfter: new Date("2024-03-01T00:00:00Z"),
    keys,
    signingAlgorithm: alg,
  });
  return cert.toString("pem");
}

/**
 * A real browser (Debian's chromium, driven by playwright-core) through the whole login
 * against `wrangler dev`: the app, edge-sso's hosted work-email page, the dev IdP's login
 * page, the ACS, and back to the app page showing the verified ID token and profile.
 */
describe("browser end to end", () => {
  let system: System;
  let browser: Browser;

  beforeAll(async () => {
    system = await startSystem();
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  /** Calls the system's admin API with the root key and expects success. */
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${system.issuer}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: body && JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return res.json() as Promise<{ id: string }>;
  };

  it("signs a user in from the hosted email page to the app", async () => {
    const page = await browser.newPage();
    // The app starts the login without a login_hint, so edge-sso asks for the work email.
    const start = new URL(`${system.appUrl}/login`);
    start.searchParams.set("login_hint", "");
    await page.goto(start.toString());
    await page.waitForSelector('input[name="login_hint"]');
    expect(new URL(page.url()).pathname).toBe("/oauth/authorize");
    await page.fill('input[name="login_hint"]', `jane@${system.domain}`);
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(system.idpUrl)),
      page.click('button[type="submit"]'),
    ]);
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(`${system.appUrl}/callback`)),
      page.click('button[value="jane@example.com"]'),
    ]);
    await page.waitForSelector("#profile");
    expect(await page.textContent("#email")).toBe("jane@example.com");
    const profile = JSON.parse((await page.textContent("#profile"))!);
    expect(profile).toMatchObject({ connectionType: "saml", firstName: "Jane", lastName: "Doe" });
    const idToken = JSON.parse((await page.textContent("#id-token"))!);
    expect(idToken.iss).toBe(system.issuer);
    // Sign out (SPEC §9): the app's /logout → /oauth/logout with the ID token as hint → the dev
    // IdP's SLO endpoint with our signed LogoutRequest → its signed LogoutResponse at
    // /saml/{connId}/slo → the app's registered post_logout_redirect_uri with its state.
    const visited: string[] = [];
    page.on("request", (request) => {
      if (request.isNavigationRequest()) visited.push(new URL(request.url()).origin + new URL(request.url()).pathname);
    });
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(`${system.appUrl}/signed-out`)),
      page.click("#logout"),
    ]);
    expect(await page.textContent("#signed-out")).toBe("Signed out");
    expect(visited).toEqual([
      `${system.appUrl}/logout`,
      `${system.issuer}/oauth/logout`,
      `${system.idpUrl}/slo`,
      expect.stringMatching(new RegExp(`^${system.issuer}/saml/conn_[0-9a-z]+/slo$`)),
      `${system.appUrl}/signed-out`,
    ]);
    await page.close();
  });

  it("signs a user in through an OpenID Connect IdP (oidc-provider)", async () => {
    const { peer, close } = await startOidcPeer([`${system.issuer}/oidc/callback`]);
    try {
      const org = await admin("POST", "/organizations", { name: "OIDC Co", domains: ["oidc.example.net"] });
      const conn = await admin("POST", `/organizations/${org.id}/connections`, {
        type: "oidc",
        oidc: {
          issuer: peer.issuer,
          clientId: peer.clients.basic.clientId,
          clientSecret: peer.clients.basic.clientSecret,
        },
      });
      await admin("POST", `/organizations/${org.id}/connections/${conn.id}/activate`);

      const page = await browser.newPage();
      await page.goto(`${system.appUrl}/login?login_hint=${encodeURIComponent("ann@oidc.example.net")}`);
      await page.waitForURL((url) => url.toString().startsWith(peer.issuer));
      await page.fill('input[name="login"]', "ann@oidc.example.net");
      await page.fill('input[name="password"]', peer.password);
      await Promise.all([
        page.waitForURL((url) => url.toString().startsWith(`${system.appUrl}/callback`)),
        page.click("button"),
      ]);
      await page.waitForSelector("#profile");
      expect(await page.textContent("#email")).toBe("ann@oidc.example.net");
      expect(JSON.parse((await page.textContent("#profile"))!)).toMatchObject({
        connectionType: "oidc",
        connectionId: conn.id,
      });
      await page.close();
    } finally {
      await close();
    }
  });

  it("signs a user in through the hosted LDAP form (slapd)", async () => {
    const ldap = inject("ldap");
    const org = await admin("POST", "/organizations", { name: "Directory Co", domains: [ldap.mailDomain] });
    const conn = await admin("POST", `/organizations/${org.id}/connections`, {
      type: "ldap",
      name: "Corp directory",
      ldap: {
        serverUri: ldap.plainUrl,
        bindDn: ldap.service.dn,
        bindPassword: ldap.service.password,
        baseDn: ldap.baseDn,
        searchFilter: "(|(mail=%(user)s)(uid=%(user)s))",
      },
    });
    await admin("POST", `/organizations/${org.id}/connections/${conn.id}/activate`);

    const alice = ldap.users.alice;
    const page = await browser.newPage();
    await page.goto(`${system.appUrl}/login?login_hint=${encodeURIComponent(alice.mail)}`);
    await page.waitForURL((url) => url.pathname === `/ldap/${conn.id}/login`);
    expect(await page.textContent("h1")).toBe("Sign in to Corp directory");
    expect(await page.inputValue('input[name="username"]')).toBe(alice.mail);
    // A wrong password first: the form comes back with the one message, the username kept.
    await page.fill('input[name="username"]', alice.uid);
    await page.fill('input[name="password"]', "not-her-password");
    await Promise.all([page.waitForLoadState("load"), page.click('button[type="submit"]')]);
    expect(await page.textContent('[role="alert"]')).toMatch(/^Incorrect username or password\. \(reference ref_/);
    expect(await page.inputValue('input[name="username"]')).toBe(alice.uid);
    expect(await page.inputValue('input[name="password"]')).toBe("");
    await page.fill('input[name="password"]', alice.password);
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(`${system.appUrl}/callback`)),
      page.click('button[type="submit"]'),
    ]);
    await page.waitForSelector("#profile");
    expect(await page.textContent("#email")).toBe(alice.mail);
    expect(JSON.parse((await page.textContent("#profile"))!)).toMatchObject({
      connectionType: "ldap",
      connectionId: conn.id,
      firstName: "Alice",
      lastName: "Liddell",
      groups: alice.groups,
    });
    const idToken = JSON.parse((await page.textContent("#id-token"))!);
    expect(idToken).toMatchObject({ iss: system.issuer, email: alice.mail, email_verified: true });
    await page.close();
  });

  it("sets SSO up through the setup portal: Okta's guide, metadata, a test sign-in in a new tab, activation", async () => {
    const shots = join(process.cwd(), "test-artifacts", "portal");
    await mkdir(shots, { recursive: true });
    const org = await admin("POST", "/organizations", {
      name: "Portal Browser Co",
      domains: ["portal-browser.example"],
    });
    const link = (await admin("POST", `/organizations/${org.id}/setup-links`, {})) as unknown as { url: string };
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    // 1. Open the link.
    await page.goto(link.url);
    await page.waitForSelector("text=Choose your identity provider");
    await page.screenshot({ path: join(shots, "1-choose-idp.png"), fullPage: true });
    // 2. Pick Okta and see its guide.
    await page.click('button[value="okta"]');
    await page.waitForSelector("text=Audience URI (SP Entity ID)");
    await page.screenshot({ path: join(shots, "2-okta-guide.png"), fullPage: true });
    // An expired certificate gets its plain-words error next to the field.
    await page.fill("#f-idpSsoUrl", `${system.idpUrl}/sso`);
    await page.fill("#f-idpCertificate", await expiredCertificate());
    await page.click('button:has-text("Save fields")');
    const certError = await page.textContent("#f-idpCertificate-error");
    expect(certError).toContain("expired on");
    await page.screenshot({ path: join(shots, "3-expired-certificate.png"), fullPage: true });
    // 3. Paste the dev IdP's metadata.
    const metadata = await (await fetch(`${system.idpUrl}/metadata`)).text();
    await page.fill("#f-metadataXml", metadata);
    await page.click('button:has-text("Save metadata")');
    await page.waitForSelector("text=Saved. You can replace them below");
    // 4. The test sign-in in a new tab, through the dev IdP, ending on the portal's result page.
    const [tab] = await Promise.all([context.waitForEvent("page"), page.click('button:has-text("Run test sign-in")')]);
    await tab.waitForURL((url) => url.toString().startsWith(system.idpUrl));
    await Promise.all([tab.waitForURL(/\/setup\/.+\/tests\/req_/), tab.click('button[value="jane@example.com"]')]);
    await tab.waitForSelector("text=The test sign-in worked.");
    expect(await tab.textContent("main")).toContain("jane@example.com");
    await tab.screenshot({ path: join(shots, "4-test-result.png"), fullPage: true });
    await tab.close();
    await page.reload();
    await page.waitForSelector("text=Last sign-in attempts");
    expect(await page.textContent("#test")).toContain("jane@example.com");
    await page.screenshot({ path: join(shots, "5-attempts.png"), fullPage: true });
    // 5. Activate.
    await page.click('button:has-text("Activate single sign-on")');
    await page.waitForSelector("text=Single sign-on is live.");
    await page.screenshot({ path: join(shots, "6-live.png"), fullPage: true });
    // 6. sso_configuration.enabled is in the org's events, by the link.
    const events = (await admin(
      "GET",
      `/organizations/${org.id}/events?type=sso_configuration.enabled`,
    )) as unknown as {
      data: { actor: string }[];
    };
    expect(events.data).toHaveLength(1);
    expect(events.data[0]!.actor).toMatch(/^setup_link:sl_/);
    // The used link now shows a clear page, not the org.
    await page.goto(link.url);
    expect(await page.textContent("h1")).toBe("This setup link was used");
    // A mobile viewport stacks the layout.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const other = (await admin("POST", `/organizations/${org.id}/setup-links`, {})) as unknown as { url: string };
    await phone.goto(other.url);
    await phone.screenshot({ path: join(shots, "7-phone.png"), fullPage: true });
    await phone.close();
    await context.close();
  }, 120_000);

  it("shows a failed OIDC test sign-in's reason, and hands out a SCIM token once", async () => {
    const shots = join(process.cwd(), "test-artifacts", "portal");
    await mkdir(shots, { recursive: true });
    const { peer, close } = await startOidcPeer([`${system.issuer}/oidc/callback`]);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const org = await admin("POST", "/organizations", { name: "Sync Browser Co", domains: ["sync-browser.example"] });
      const link = (await admin("POST", `/organizations/${org.id}/setup-links`, { scim: true })) as unknown as {
        url: string;
      };
      const page = await context.newPage();
      await page.goto(link.url);
      await page.click('button[value="generic-oidc"]');
      await page.fill("#f-issuer", peer.issuer);
      await page.fill("#f-clientId", peer.clients.basic.clientId);
      await page.fill("#f-clientSecret", "a-client-secret-the-provider-never-issued");
      await page.click('#idp button:has-text("Save")');
      await page.waitForSelector("text=Saved. You can replace them below");
      // The test sign-in in a new tab: a real login at the provider, refused at the token endpoint.
      const [tab] = await Promise.all([
        context.waitForEvent("page"),
        page.click('button:has-text("Run test sign-in")'),
      ]);
      await tab.waitForURL((url) => url.toString().startsWith(peer.issuer));
      await tab.fill('input[name="login"]', "ann@sync-browser.example");
      await tab.fill('input[name="password"]', peer.password);
      await Promise.all([tab.waitForURL(/\/setup\/.+\/tests\/req_/), tab.click("button")]);
      await tab.waitForSelector("text=The test sign-in failed.");
      const result = (await tab.textContent("main"))!;
      expect(result).toContain("Your provider refused the client ID or client secret.");
      expect(result).toContain("Copy the client secret again");
      expect(result).toContain("token_endpoint_error: HTTP 401 invalid_client");
      await tab.screenshot({ path: join(shots, "8-oidc-test-failed.png"), fullPage: true });
      await tab.close();
      // The SCIM step: the base URL, the chosen IdP's guide, and a token shown once.
      await page.reload();
      expect(await page.textContent("#scim-base")).toBe(`${system.issuer}/scim/v2/${org.id}`);
      expect(await page.textContent("#test")).toContain("Failed");
      await page.click('button:has-text("Create SCIM token")');
      await page.waitForSelector("text=it is shown only this once");
      const token = (await page.textContent("#scim-token"))!;
      expect(token).toMatch(/^scim_/);
      await page.locator("#scim").screenshot({ path: join(shots, "9-scim-token.png") });
      const users = await fetch(`${system.issuer}/scim/v2/${org.id}/Users`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(users.status).toBe(200);
      await page.goto(link.url);
      expect(await page.content()).not.toContain(token);
      expect(await page.textContent("#scim")).toContain("You created a SCIM token with this link");
      await page.screenshot({ path: join(shots, "10-scim-step.png"), fullPage: true });
      const created = (await admin("GET", `/organizations/${org.id}/events?type=scim_token.created`)) as unknown as {
        data: { actor: string }[];
      };
      expect(created.data.map((e) => e.actor)).toEqual([expect.stringMatching(/^setup_link:sl_/)]);
    } finally {
      await context.close();
      await close();
    }
  }, 120_000);

  it("runs an LDAP test sign-in from the portal against slapd: the failing step, then the profile", async () => {
    const shots = join(process.cwd(), "test-artifacts", "portal");
    const ldap = inject("ldap");
    const alice = ldap.users.alice;
    const org = await admin("POST", "/organizations", { name: "Directory Portal Co" });
    const link = (await admin("POST", `/organizations/${org.id}/setup-links`, {
      connectionType: "ldap",
    })) as unknown as {
      url: string;
    };
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(link.url);
    await page.click('button[value="ldap"]');
    await page.fill("#f-serverUri", ldap.plainUrl);
    await page.fill("#f-bindDn", ldap.service.dn);
    await page.fill("#f-bindPassword", ldap.service.password);
    await page.fill("#f-baseDn", ldap.baseDn);
    await page.click('#idp button:has-text("Save")');
    await page.waitForSelector("text=Saved. You can replace them below");
    expect(await page.inputValue("#f-serverUri")).toBe(ldap.plainUrl);
    expect(await page.inputValue("#f-bindPassword")).toBe("");
    // A user the filter does not find: the failing step, in plain words.
    await page.fill("#f-username", alice.uid);
    await page.fill("#f-password", alice.password);
    await Promise.all([
      page.waitForURL(/\/setup\/.+\/tests\/req_/),
      page.click('#test button:has-text("Run test sign-in")'),
    ]);
    const failed = (await page.textContent("main"))!;
    expect(failed).toContain("No directory entry matched this username.");
    expect(failed).toContain(`search: no entry matched (mail=${alice.uid}) under ${ldap.baseDn}`);
    expect(failed).not.toContain(alice.password);
    await page.screenshot({ path: join(shots, "11-ldap-test-failed.png"), fullPage: true });
    await page.click("text=Back to setup");
    await page.fill("#f-username", alice.mail);
    await page.fill("#f-password", alice.password);
    await Promise.all([
      page.waitForURL(/\/setup\/.+\/tests\/req_/),
      page.click('#test button:has-text("Run test sign-in")'),
    ]);
    await page.waitForSelector("text=The test sign-in worked.");
    const worked = (await page.textContent("main"))!;
    expect(worked).toContain(alice.mail);
    expect(worked).toContain("Liddell");
    expect(worked).toContain("Directory attributes");
    await page.screenshot({ path: join(shots, "12-ldap-test-profile.png"), fullPage: true });
    await page.close();
  }, 120_000);
});
