#!/usr/bin/env node
// `npm run openapi:types [-- URL]`: regenerates clients/typescript/edge-sso-api.d.ts from
// edge-sso's /openapi.json — from URL when given, else from a `wrangler dev` this script
// starts on a free port with throwaway local state (and stops).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openApiTypes, TYPES_FILE } from "./lib/openapi-types.mjs";
import { startWranglerDev } from "./lib/wrangler-dev.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

async function documentFrom(url) {
  const response = await fetch(new URL("/openapi.json", url));
  if (!response.ok) throw new Error(`${url}/openapi.json answered ${response.status}`);
  return response.json();
}

let document;
const given = process.argv[2];
if (given) {
  document = await documentFrom(given);
} else {
  const state = await mkdtemp(join(tmpdir(), "edge-sso-openapi-"));
  const port = await freePort();
  const edge = await startWranglerDev({
    port,
    persistTo: state,
    vars: { PUBLIC_URL: `http://127.0.0.1:${port}`, ADMIN_API_KEY: "openapi-types", SECRETS_KEY: "A".repeat(43) + "=" },
  });
  try {
    document = await documentFrom(edge.url);
  } finally {
    await edge.close();
    await rm(state, { recursive: true, force: true });
  }
}
await writeFile(join(root, TYPES_FILE), await openApiTypes(document));
console.log(`${TYPES_FILE} written`);
