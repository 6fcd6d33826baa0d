#!/usr/bin/env node
// The dev IdP on its own: `node tools/dev-idp/cli.mjs [--port 7000] [--host 127.0.0.1]
// [--entity-id URI] [--users users.json] [--auto-login EMAIL] [--key key.pem --cert cert.pem]`.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { startDevIdp } from "./index.mjs";

const USAGE = `usage: node tools/dev-idp/cli.mjs [--port N] [--host H] [--entity-id URI] [--users users.json]
                                 [--auto-login EMAIL] [--key key.pem --cert cert.pem]`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      host: { type: "string", default: "127.0.0.1" },
      "entity-id": { type: "string" },
      users: { type: "string" },
      "auto-login": { type: "string" },
      key: { type: "string" },
      cert: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }));
} catch (error) {
  console.error(`${/** @type {Error} */ (error).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535 || Boolean(values.key) !== Boolean(values.cert)) {
  console.error(USAGE);
  process.exit(2);
}

const idp = await startDevIdp({
  port,
  host: values.host,
  ...(values["entity-id"] ? { entityId: values["entity-id"] } : {}),
  ...(values.users ? { users: JSON.parse(await readFile(values.users, "utf8")) } : {}),
  ...(values["auto-login"] ? { autoLoginEmail: values["auto-login"] } : {}),
  ...(values.key && values.cert ? { key: { keyPath: values.key, certPath: values.cert } } : {}),
});
console.log(`dev IdP listening on ${idp.url}`);
console.log(`  entity ID: ${idp.entityId}`);
console.log(`  metadata:  ${idp.url}/metadata`);
console.log(`  SSO:       ${idp.ssoUrl} (HTTP-Redirect and HTTP-POST)`);

const stop = async () => {
  await idp.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
