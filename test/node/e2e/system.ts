/**
 * The whole system for Node-side end-to-end tests: `wrangler dev` (the real Workers
 * runtime, local state in a temp dir), the dev SAML IdP and the sample app, seeded
 * through the admin API exactly as `npm run demo` does.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevIdp } from "../../../tools/dev-idp/index.mjs";
import { startSampleApp } from "../../../tools/sample-app/server.mjs";
import { seedSamlDemo } from "../../../scripts/lib/seed-demo.mjs";
import { startWranglerDev } from "../../../scripts/lib/wrangler-dev.mjs";
import { freePort } from "../../setup/free-port";

export const ADMIN_KEY = "e2e-root-admin-key-0123456789abcdef";

export interface System {
  issuer: string;
  appUrl: string;
  idpUrl: string;
  domain: string;
  client: { clientId: string; clientSecret: string };
  stop(): Promise<void>;
}

export { freePort };

export async function startSystem(): Promise<System> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const state = await mkdtemp(join(tmpdir(), "edge-sso-e2e-"));
  const edge = await startWranglerDev({
    port,
    persistTo: state,
    vars: {
      PUBLIC_URL: issuer,
      ADMIN_API_KEY: ADMIN_KEY,
      SECRETS_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
      ALLOW_INSECURE_LOOPBACK_IDP: "true",
    },
  });
  const idp = await startDevIdp({});
  const app = await startSampleApp({ issuer });
  // The dev IdP's default user is jane@example.com; each system has its own state, so no clash.
  const domain = "example.com";
  const seeded = await seedSamlDemo({
    edgeUrl: issuer,
    adminKey: ADMIN_KEY,
    redirectUri: app.redirectUri,
    postLogoutRedirectUri: app.postLogoutRedirectUri,
    idpSloUrl: `${idp.url}/slo`,
    idpMetadataXml: idp.metadataXml,
    domain,
  });
  app.setClient(seeded.client);
  return {
    issuer,
    appUrl: app.url,
    idpUrl: idp.url,
    domain,
    client: seeded.client,
    async stop() {
      await Promise.allSettled([app.close(), idp.close(), edge.close()]);
      await rm(state, { recursive: true, force: true });
    },
  };
}

/** Follows one redirect hop by hand, carrying cookies like a browser. */
export async function hop(url: string, jar: Map<string, string>, init: RequestInit = {}): Promise<Response> {
  const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const response = await fetch(url, {
    ...init,
    redirect: "manual",
    headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
  });
  for (const set of response.headers.getSetCookie()) {
    const [pair] = set.split(";");
    const eq = pair!.indexOf("=");
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return response;
}

/**
 * A browser's login from an authorize URL through the dev IdP (its JSON interface) to
 * edge-sso's ACS: returns the redirect edge-sso answers with (the app's redirect URI with
 * `code` and `state`).
 */
export async function signInAtDevIdp(system: System, authorizeUrl: string, email: string): Promise<string> {
  const jar = new Map<string, string>();
  const toIdp = await hop(authorizeUrl, jar);
  if (toIdp.status !== 302) throw new Error(`authorize answered ${toIdp.status}: ${await toIdp.text()}`);
  const idp = await hop(toIdp.headers.get("location")!, jar, { headers: { accept: "application/json" } });
  const idpPage = (await idp.json()) as { pendingId: string };
  const login = await fetch(`${system.idpUrl}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ pending: idpPage.pendingId, email }),
  });
  const post = (await login.json()) as { acsUrl: string; relayState: string; samlResponse: string };
  const acs = await hop(post.acsUrl, jar, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ SAMLResponse: post.samlResponse, RelayState: post.relayState }),
  });
  if (acs.status !== 302) throw new Error(`the ACS answered ${acs.status}: ${await acs.text()}`);
  return acs.headers.get("location")!;
}
