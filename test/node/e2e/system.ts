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
