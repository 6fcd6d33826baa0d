#!/usr/bin/env node
// `npm run demo`: edge-sso (wrangler dev), a local SAML IdP (tools/dev-idp) and a sample
// app, seeded with a client, an org and a SAML connection. Prints one URL: open it and
// sign in as a demo user through the whole flow.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDevIdp } from "../tools/dev-idp/index.mjs";
import { startSampleApp } from "../tools/sample-app/server.mjs";
import { ensureDevVars } from "./lib/dev-vars.mjs";
import { seedSamlDemo } from "./lib/seed-demo.mjs";
import { startWranglerDev } from "./lib/wrangler-dev.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const EDGE_PORT = Number(process.env.DEMO_EDGE_PORT ?? 8787);
const { adminKey } = ensureDevVars(join(root, ".dev.vars"));

console.log("Starting edge-sso, the dev IdP and the sample app…");
const edge = await startWranglerDev({
  port: EDGE_PORT,
  persistTo: join(root, ".wrangler", "demo-state"),
  vars: { PUBLIC_URL: `http://localhost:${EDGE_PORT}` },
  quiet: process.env.DEMO_VERBOSE !== "1",
});
const issuer = `http://localhost:${EDGE_PORT}`;
const idp = await startDevIdp({ port: Number(process.env.DEMO_IDP_PORT ?? 7001) });
const app = await startSampleApp({
  issuer,
  port: Number(process.env.DEMO_APP_PORT ?? 3000),
  loginHint: "jane@example.com",
});
const seeded = await seedSamlDemo({
  edgeUrl: issuer,
  adminKey,
  redirectUri: app.redirectUri,
  postLogoutRedirectUri: app.postLogoutRedirectUri,
  idpSloUrl: `${idp.url}/slo`,
  idpMetadataXml: idp.metadataXml,
  domain: "example.com",
});
app.setClient(seeded.client);

// A second organization, set up by its own IT admin through a setup link (the portal).
const adminCall = async (path, body) => {
  const response = await fetch(`${issuer}/api/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
};
const selfService = await adminCall("/organizations", { name: "Globex (self-service)", domains: ["globex.example"] });
const setupLink = await adminCall(`/organizations/${selfService.id}/setup-links`, {
  expiresInSeconds: 86400,
  scim: true,
});

console.log(`
edge-sso     ${issuer}   (organization ${seeded.organizationId}, SAML connection ${seeded.connectionId})
dev IdP      ${idp.url}
sample app   ${app.url}

Open this URL and sign in as jane@example.com, then "Sign out" (edge-sso ends the session,
logs out at the dev IdP with a signed LogoutRequest, and returns to the app):

  ${app.url}/login

Or play the customer's IT admin: open the setup link, pick an IdP (any SAML one works with the
dev IdP), paste ${idp.url}/metadata's XML, run the test sign-in, create a SCIM token in the
directory sync step, and activate:

  ${setupLink.url}

Ctrl-C stops everything.`);

const stop = async () => {
  await Promise.allSettled([app.close(), idp.close(), edge.close()]);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
