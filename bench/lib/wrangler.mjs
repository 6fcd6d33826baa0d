// wrangler for the bench: `wrangler dev` of the bench worker (its own config, which
// scripts/lib/wrangler-dev.mjs does not take), and `wrangler deploy --dry-run` bundles.
import { execFile, spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const wranglerJs = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
const childEnv = () => ({
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CI: "true",
  PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
});

/**
 * Starts `wrangler dev -c <config>` on loopback and resolves once any response comes back.
 * @param {{config: string, port: number, persistTo: string}} options
 */
export async function startBenchWorker({ config, port, persistTo }) {
  const args = [
    wranglerJs,
    "dev",
    "-c",
    config,
    "--local",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: childEnv() });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output.slice(-4000)}`);
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`the bench worker did not answer within 60 s:\n${output.slice(-4000)}`);
    }
    try {
      await (await fetch(`${url}/`)).text();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const close = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(undefined);
      child.once("exit", () => resolve(undefined));
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  return { url, close, output: () => output };
}

/**
 * A copy of `config` whose worker is an already built bundle (`no_bundle`): `wrangler dev`
 * then watches only that file, so edits to src by others sharing this tree do not reload
 * the bench worker halfway through a run.
 * @param {{config: string, bundleDir: string, outPath: string}} options
 */
export async function prebuiltConfig({ config, bundleDir, outPath }) {
  const toml = (await readFile(config, "utf8")).replace(
    /^main\s*=.*$/m,
    `main = ${JSON.stringify(join(bundleDir, "index.js"))}\nno_bundle = true`,
  );
  await mkdir(dirname(outPath), { recursive: true });
  await writeFile(outPath, toml);
  return outPath;
}

/**
 * `wrangler deploy --dry-run --outdir` of a config: the deployable bundle, as modules.
 * @param {{config: string, outdir: string, minify?: boolean}} options
 * @returns {Promise<{mainModule: string, modules: Record<string, string>, wranglerSays: string}>}
 */
export async function dryRunBundle({ config, outdir, minify = false }) {
  const args = [wranglerJs, "deploy", "--dry-run", "-c", config, "--outdir", outdir, ...(minify ? ["--minify"] : [])];
  const { stdout, stderr } = await promisify(execFile)(process.execPath, args, {
    cwd: root,
    env: childEnv(),
    maxBuffer: 16 << 20,
  });
  const modules = {};
  for (const name of await readdir(outdir)) {
    if (name.endsWith(".js") || name.endsWith(".mjs")) modules[name] = await readFile(join(outdir, name), "utf8");
  }
  if (!modules["index.js"]) throw new Error(`no index.js in ${outdir}:\n${stdout}\n${stderr}`);
  const upload = /Total Upload:[^\n]*/.exec(stdout + stderr);
  return { mainModule: "index.js", modules, wranglerSays: upload ? upload[0].trim() : "" };
}
