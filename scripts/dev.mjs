#!/usr/bin/env node
// `npm run dev`: creates .dev.vars with a random ADMIN_API_KEY and SECRETS_KEY on first
// run (printing the admin key once), then starts `wrangler dev` with local state under
// .wrangler/. Extra arguments go to wrangler.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDevVars } from "./lib/dev-vars.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { adminKey, created } = ensureDevVars(join(root, ".dev.vars"));
if (created)
  console.log(`\nCreated .dev.vars. Your local admin API key (shown once, also in .dev.vars):\n\n  ${adminKey}\n`);

// wrangler's entry runs on this Node (the project's own, >= 22.12), whatever the PATH holds.
const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const child = spawn(
  process.execPath,
  [wrangler, "dev", "--local", "--persist-to", join(root, ".wrangler", "state"), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
  },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
