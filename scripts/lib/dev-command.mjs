// How `npm run dev` starts `wrangler dev` (scripts/dev.mjs): the port it listens on and the
// PUBLIC_URL that goes with it. PUBLIC_URL is the issuer, the SP entity IDs and every URL
// edge-sso emits, so it must name the port the service really listens on; it is never taken
// from a request's Host header (in production that would let any request pick the issuer).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** wrangler dev's own default port. */
export const DEFAULT_PORT = 8787;

/**
 * The port wrangler will listen on, from the arguments given to `npm run dev --`
 * (`--port 8801`, `--port=8801`, `-p 8801`); DEFAULT_PORT when none.
 * @param {string[]} args
 */
export function portFromArgs(args) {
  let port = DEFAULT_PORT;
  args.forEach((arg, i) => {
    const inline = /^--port=(.+)$/.exec(arg);
    const flag = inline || arg === "--port" || arg === "-p";
    if (!flag) return;
    const value = inline ? inline[1] : args[i + 1];
    if (value === undefined || !/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535)
      throw new Error(`${arg} needs a port number from 1 to 65535, got ${JSON.stringify(value)}`);
    port = Number(value);
  });
  return port;
}

/** The value of KEY in a .dev.vars / .env text (KEY=VALUE lines, optional quotes), or undefined. */
export function readVar(text, key) {
  const match = new RegExp(`^\\s*${key}\\s*=\\s*(.*?)\\s*$`, "m").exec(text);
  if (!match) return undefined;
  const value = match[1].replace(/^(["'])(.*)\1$/, "$2");
  return value === "" ? undefined : value;
}

/**
 * Where PUBLIC_URL comes from: the environment, else `.dev.vars`, else the port wrangler
 * listens on (`http://localhost:{port}`), so `npm run dev -- --port 8801` is its own issuer.
 * @param {{args: string[], env: Record<string, string | undefined>, devVarsText: string}} input
 * @returns {{publicUrl: string, source: "environment" | ".dev.vars" | "port", port: number}}
 */
export function devPublicUrl({ args, env, devVarsText }) {
  const port = portFromArgs(args);
  if (env.PUBLIC_URL) return { publicUrl: env.PUBLIC_URL, source: "environment", port };
  const fromFile = readVar(devVarsText, "PUBLIC_URL");
  if (fromFile) return { publicUrl: fromFile, source: ".dev.vars", port };
  return { publicUrl: `http://localhost:${port}`, source: "port", port };
}

/**
 * The arguments of `wrangler dev` for `npm run dev`: local mode, state under `persistTo`,
 * the port always named (`-p` spelled as wrangler's `--port`), and PUBLIC_URL passed as a var unless `.dev.vars`
 * sets it (wrangler reads that file itself). `devVarsPath` other than the project's
 * `.dev.vars` is handed over with `--env-file` (tests use a temporary one).
 * @param {{root: string, args: string[], env: Record<string, string | undefined>, devVarsPath: string, persistTo: string}} input
 */
export function wranglerDevArgs({ root, args, env, devVarsPath, persistTo }) {
  const devVarsText = existsSync(devVarsPath) ? readFileSync(devVarsPath, "utf8") : "";
  const chosen = devPublicUrl({ args, env, devVarsText });
  const passThrough = args.map((arg) => (arg === "-p" ? "--port" : arg));
  const out = ["dev", "--local", "--persist-to", persistTo];
  // Named even when it is the default: wrangler would otherwise move to another port when
  // 8787 is taken, and PUBLIC_URL would name the wrong one.
  if (!args.some((arg) => arg === "--port" || arg === "-p" || arg.startsWith("--port=")))
    out.push("--port", String(chosen.port));
  if (devVarsPath !== join(root, ".dev.vars")) out.push("--env-file", devVarsPath);
  if (chosen.source !== ".dev.vars") out.push("--var", `PUBLIC_URL:${chosen.publicUrl}`);
  return { args: [...out, ...passThrough], ...chosen };
}
