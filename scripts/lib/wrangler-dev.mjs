// Starts `wrangler dev` as a child process and waits until the worker answers. Used by
// `npm run demo` and the whole-system tests.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * @param {{port: number, persistTo: string, vars?: Record<string, string>, quiet?: boolean}} options
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
export async function startWranglerDev({ port, persistTo, vars = {}, quiet = true }) {
  const args = [
    "dev",
    "--local",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
  ];
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  // Run wrangler's entry with this Node (the project's own, >= 22.12), not whatever
  // `node` the PATH holds.
  const child = spawn(process.execPath, [join(root, "node_modules", "wrangler", "bin", "wrangler.js"), ...args], {
    cwd: root,
    stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      // No `request.cf` fetched from the internet (edge-sso reads none; offline it prints a stack trace).
      CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false",
      CI: "true",
      PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
    },
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output.slice(-4000)}`);
    try {
      const res = await fetch(`${url}/openapi.json`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (Date.now() >= deadline) {
    child.kill("SIGTERM");
    throw new Error(`wrangler dev did not answer within 60 s:\n${output.slice(-4000)}`);
  }
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  return { url, close, output: () => output, pid: child.pid };
}
