#!/usr/bin/env node
// `npm test`: installs the Debian packages the tests need when missing (as root), checks
// formatting (Prettier), type-checks, runs every vitest project, and ends with the plain line `N passed, N failed`.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { filterStream } from "./lib/known-noise.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
};

/** Debian packages and a file each provides. */
const PACKAGES = {
  xmlsec1: "/usr/bin/xmlsec1",
  slapd: "/usr/sbin/slapd",
  "ldap-utils": "/usr/bin/ldapsearch",
  chromium: "/usr/bin/chromium",
};

function ensurePackages() {
  const missing = Object.entries(PACKAGES)
    .filter(([, file]) => !existsSync(file))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(" ")}`;
  if (process.getuid?.() !== 0) {
    console.error(`The tests need Debian packages that are missing. Run as root:\n\n  apt-get update && ${command}\n`);
    process.exit(1);
  }
  // apt-get and dpkg write hundreds of lines: kept in a log, shown only when the install fails.
  const log = join(root, "node_modules", ".cache", "apt-install.log");
  mkdirSync(dirname(log), { recursive: true });
  console.log(`Installing ${missing.join(", ")} (apt-get's output: ${log}) ...`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: "noninteractive" };
  const output = openSync(log, "w");
  const result = spawnSync("sh", ["-c", `${command} || (apt-get update && ${command})`], {
    stdio: ["ignore", output, output],
    env: aptEnv,
  });
  closeSync(output);
  if (result.status !== 0) {
    console.error(readFileSync(log, "utf8").split("\n").slice(-40).join("\n"));
    console.error(`Could not install ${missing.join(", ")} (the whole output: ${log}).`);
    process.exit(1);
  }
}

function run(command, args) {
  return spawnSync(command, args, { cwd: root, stdio: "inherit", env });
}

ensurePackages();
const format = run(bin("prettier"), ["--check", "--log-level=warn", "."]);
if (format.status !== 0) {
  console.error("Formatting check failed: run `npm run format`.");
  console.log("0 passed, 1 failed");
  process.exit(1);
}
// The worker and its tests, the typed API client (Node types, the generated client types),
// then the bench worker (bench/worker with src), so a change that breaks the bench shows here.
const typecheck = [".", "test/node/openapi", "bench"]
  .map((project) => run(bin("tsc"), ["--noEmit", "-p", project]))
  .find((result) => result.status !== 0) ?? { status: 0 };
if (typecheck.status !== 0) {
  console.error("Type check failed.");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const report = join(root, "node_modules", ".cache", "vitest-report.json");
rmSync(report, { force: true });
// vitest's output passes through the allow-list of scripts/lib/known-noise.mjs: workerd's
// own log lines that are known to be harmless are dropped, every other line is shown.
const vitest = spawn(
  bin("vitest"),
  ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: ["inherit", "pipe", "pipe"],
    // Piped, vitest would drop its colours; keep them when our own output is a terminal.
    env: process.stdout.isTTY && !("NO_COLOR" in env) ? { FORCE_COLOR: "1", ...env } : env,
  },
);
// The JSON reporter's note about our own intermediate file: the summary line below says it all.
const ownLines = new Set([`JSON report written to ${report}`]);
const tests = await new Promise((resolve) => {
  const streams = Promise.all([
    filterStream(vitest.stdout, process.stdout, ownLines),
    filterStream(vitest.stderr, process.stderr),
  ]);
  vitest.on("close", (status, signal) => streams.then(() => resolve({ status: status ?? (signal ? 1 : 0) })));
});
let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, "utf8"));
  passed = results.numPassedTests ?? 0;
  failed = (results.numFailedTests ?? 0) + (results.numFailedTestSuites ?? 0);
} else {
  failed = 1;
}
if (tests.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && tests.status === 0 ? 0 : 1);
