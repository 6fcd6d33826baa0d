#!/usr/bin/env node
// `npm run dev [-- --port 8801]`: creates .dev.vars with a random ADMIN_API_KEY and
// SECRETS_KEY on first run (printing the admin key once), then starts `wrangler dev` with
// local state under .wrangler/. PUBLIC_URL follows the port unless .dev.vars or the
// environment sets it (scripts/lib/dev-command.mjs). Extra arguments go to wrangler.
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { wranglerDevArgs } from "./lib/dev-command.mjs";
import { filterStream } from "./lib/known-noise.mjs";
import { ensureDevVars } from "./lib/dev-vars.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Starts `wrangler dev` as `npm run dev` does and returns the child process and the
 * PUBLIC_URL it runs with. Tests give their own `.dev.vars` and state directory.
 * @param {{args?: string[], env?: Record<string, string | undefined>, devVarsPath?: string, persistTo?: string, stdio?: import("node:child_process").StdioOptions, log?: (line: string) => void}} [options]
 */
export function startDev({
  args = [],
  env = process.env,
  devVarsPath = join(root, ".dev.vars"),
  persistTo = join(root, ".wrangler", "state"),
  stdio = "inherit",
  log = console.log,
} = {}) {
  const { adminKey, created } = ensureDevVars(devVarsPath);
  if (created) log(`\nCreated .dev.vars. Your local admin API key (shown once, also in .dev.vars):\n\n  ${adminKey}\n`);
  const dev = wranglerDevArgs({ root, args, env, devVarsPath, persistTo });
  const from = { port: `the port (${dev.port})`, ".dev.vars": ".dev.vars", environment: "the environment" }[dev.source];
  log(`PUBLIC_URL=${dev.publicUrl} (from ${from}; it is the issuer and the base of every URL edge-sso emits)`);
  // wrangler's entry runs on this Node (the project's own, >= 22.12), whatever the PATH holds.
  const wrangler = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  const child = spawn(process.execPath, [wrangler, ...dev.args], {
    cwd: root,
    stdio,
    env: {
      ...env,
      WRANGLER_SEND_METRICS: "false",
      // Miniflare fetches a sample `request.cf` from the internet at start and prints a stack
      // trace when offline; edge-sso reads nothing from `request.cf`.
      CLOUDFLARE_CF_FETCH_ENABLED: env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false",
      PATH: `${dirname(process.execPath)}:${env.PATH ?? ""}`,
    },
  });
  return { child, publicUrl: dev.publicUrl, port: dev.port };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let dev;
  try {
    // wrangler's stderr passes through the allow-list of scripts/lib/known-noise.mjs: workerd's
    // own block for an outbound fetch the worker was refused (and reports in its one line per
    // refusal) is dropped; every other line is shown.
    const colour = process.stdout.isTTY && process.stderr.isTTY && !("NO_COLOR" in process.env);
    dev = startDev({
      args: process.argv.slice(2),
      env: colour ? { FORCE_COLOR: "1", ...process.env } : process.env,
      stdio: ["inherit", "inherit", "pipe"],
    });
    filterStream(dev.child.stderr, process.stderr);
  } catch (error) {
    console.error(`npm run dev: ${error instanceof Error ? error.message : error}`);
    process.exit(2);
  }
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.child.kill(signal));
  // "close": after its output is through the filter.
  dev.child.on("close", (code) => process.exit(code ?? 0));
}
