#!/usr/bin/env node
// `npm test`: installs the Debian packages the tests need when missing (as root), checks
// formatting (Prettier), type-checks, runs every vitest project, and ends with the plain line `N passed, N failed`.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
  console.log(`Installing ${missing.join(", ")} ...`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: "noninteractive" };
  let result = spawnSync("sh", ["-c", `${command} || (apt-get update && ${command})`], {
    stdio: "inherit",
    env: aptEnv,
  });
  if (result.status !== 0) {
    console.error(`Could not install ${missing.join(", ")}.`);
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
const tests = run(bin("vitest"), [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);
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
