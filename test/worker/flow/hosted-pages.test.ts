/**
 * Issue 16 item 11: the hosted pages name the application being signed in to (the client's
 * name, APP_NAME and APP_LOGO_URL of SPEC §1) and the next step; the error page offers
 * "Try again", which restarts the same request, only where that is safe.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import type { Env } from "../../../src/env";
import { brandingOf } from "../../../src/flow/branding";
import { post } from "../admin/helpers";
import {
  authorizeUrl,
  BASE,
  failureReason,
  fetchWorker,
  pkce,
  postAcs,
  REDIRECT_URI,
  seedSaml,
  signResponse,
  startLogin,
} from "./flow-helpers";

/** The worker's own entry point with extra vars (APP_NAME, APP_LOGO_URL) over the test bindings. */
async function fetchWithVars(url: string, vars: Partial<Env>): Promise<Response> {
  const exec = createExecutionContext();
  const response = await worker.fetch(new Request(url), { ...(env as unknown as Env), ...vars }, exec);
  await waitOnExecutionContext(exec);
  return response;
}

const LOGO = "data:image/png;base64,iVBORw0KGgo=";

describe("hosted pages", () => {
  it("the work email page names the client being signed in to, and the next step", async () => {
    const client = await post("clients", { name: "Acme <Portal>", redirectUris: [REDIRECT_URI] });
    const response = await fetchWorker(authorizeUrl({ clientId: client.body.clientId }, { state: "s" }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<title>Sign in to Acme &lt;Portal&gt;</title>");
    expect(html).toContain("<h1>Sign in to Acme &lt;Portal&gt;</h1>");
    expect(html).toContain("You will continue at your company's sign-in page, then return to Acme &lt;Portal&gt;.");
    expect(html).not.toContain('class="brand"');
  });

  it("APP_NAME and APP_LOGO_URL head the pages; the CSP admits the logo and nothing else", async () => {
    const client = await post("clients", { name: "Acme Portal", redirectUris: [REDIRECT_URI] });
    const page = await fetchWithVars(authorizeUrl({ clientId: client.body.clientId }, {}), {
      APP_NAME: "Example <SSO>",
      APP_LOGO_URL: LOGO,
    });
    const html = await page.text();
    expect(html).toContain(
      `<header class="brand"><img src="${LOGO}" alt="" height="32"><span>Example &lt;SSO&gt;</span>`,
    );
    expect(page.headers.get("content-security-policy")).toContain("img-src data: 'self'");
    // The error page too (an unknown client).
    const error = await fetchWithVars(authorizeUrl({ clientId: "client_nope" }, {}), { APP_NAME: "Example SSO" });
    expect(error.status).toBe(400);
    const errorHtml = await error.text();
    expect(errorHtml).toContain('<header class="brand"><span>Example SSO</span></header>');
    expect(error.headers.get("content-security-policy")).not.toContain("img-src");
  });

  it("shows a logo only as a data: image or from PUBLIC_URL's origin", () => {
    const of = (logo: string) => brandingOf({ PUBLIC_URL: "https://sso.example.com", APP_LOGO_URL: logo }).logoUrl;
    expect(of(LOGO)).toBe(LOGO);
    expect(of("/logo.png")).toBe("/logo.png");
    expect(of("https://sso.example.com/static/logo.svg")).toBe("https://sso.example.com/static/logo.svg");
    expect(of("https://evil.example/logo.png")).toBeNull();
    expect(of("//evil.example/logo.png")).toBeNull();
    expect(of("javascript:alert(1)")).toBeNull();
    expect(of("data:text/html;base64,PHNjcmlwdD4=")).toBeNull();
    expect(brandingOf({ PUBLIC_URL: "https://sso.example.com", APP_NAME: "  " }).appName).toBeNull();
  });

  it("a refused SAML response offers Try again: the same request, restarted as a new login", async () => {
    const s = await seedSaml();
    const { challenge } = await pkce();
    const original = {
      login_hint: `x@${s.domain}`,
      state: "st-1",
      nonce: "n-1",
      code_challenge: challenge,
      code_challenge_method: "S256",
    };
    const started = await startLogin(authorizeUrl(s, original));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: "https://someone-else.example/sp",
      email: `x@${s.domain}`,
    });
    const acs = await postAcs(
      s.acsUrl,
      { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
      started.cookie,
    );
    expect(acs.status).toBe(400);
    const html = await acs.text();
    expect(await failureReason(s.orgId, html)).toBe("audience_mismatch");
    const href = /<a class="button" href="([^"]+)">Try again<\/a>/.exec(html)?.[1]?.replace(/&amp;/g, "&");
    expect(href).toBeDefined();
    const retry = new URL(href!);
    expect(`${retry.origin}${retry.pathname}`).toBe(`${BASE}/oauth/authorize`);
    expect(Object.fromEntries(retry.searchParams)).toEqual({
      response_type: "code",
      client_id: s.clientId,
      redirect_uri: REDIRECT_URI,
      scope: "openid email profile",
      ...original,
      connection_id: s.connectionId,
    });
    const again = await startLogin(retry.toString());
    expect(again.relayState).not.toBe(started.relayState);
    expect(again.requestId).not.toBe(started.requestId);
  });

  it("offers no Try again before a pending login is found: an unknown client, a forged RelayState", async () => {
    const unknown = await (await fetchWorker(authorizeUrl({ clientId: "client_nope" }, {}))).text();
    expect(unknown).not.toContain("Try again");
    expect(unknown).toContain("Go back to the application you came from and sign in again.");
    const s = await seedSaml();
    const started = await startLogin(authorizeUrl(s, { login_hint: `x@${s.domain}` }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email: `x@${s.domain}`,
    });
    const forged = await postAcs(
      s.acsUrl,
      { SAMLResponse: signed.samlResponse, RelayState: `${started.relayState}x` },
      started.cookie,
    );
    expect(forged.status).toBe(400);
    expect(await forged.text()).not.toContain("Try again");
  });
});
