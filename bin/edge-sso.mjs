#!/usr/bin/env node
/**
 * edge-sso command line (SPEC §8). Runs the worker's own TypeScript sources with Node's
 * built-in type stripping (Node >= 22.18 / 24), so the CLI and the worker share one
 * verifier with no build step. The sources use extensionless relative imports (the
 * worker's bundler style); the resolve hook below adds the ".ts" Node needs.
 */
import module from "node:module";

const [major, minor] = process.versions.node.split(".").map(Number);
if (typeof module.registerHooks !== "function" || major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`edge-sso needs Node 22.18 or newer (this is ${process.version}).\n`);
  process.exit(2);
}

module.registerHooks({
  resolve(specifier, context, nextResolve) {
    const relative = specifier.startsWith("./") || specifier.startsWith("../");
    if (!relative || !context.parentURL?.endsWith(".ts") || /\.[cm]?[jt]s$/.test(specifier)) {
      return nextResolve(specifier, context);
    }
    try {
      return nextResolve(`${specifier}.ts`, context);
    } catch {
      return nextResolve(`${specifier}/index.ts`, context);
    }
  },
});

// Type stripping prints an ExperimentalWarning on some Node lines; stdout stays one JSON line.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "ExperimentalWarning") process.stderr.write(`${warning.stack ?? warning}\n`);
});

const { readFile } = await import("node:fs/promises");
const { runCli } = await import("../src/cli/main.ts");
const outcome = await runCli(process.argv.slice(2), {
  readFile: async (path) => new Uint8Array(await readFile(path)),
  now: () => new Date(),
});
if (outcome.stdout !== undefined) process.stdout.write(`${outcome.stdout}\n`);
if (outcome.stderr !== undefined) process.stderr.write(`${outcome.stderr}\n`);
process.exitCode = outcome.exitCode;
