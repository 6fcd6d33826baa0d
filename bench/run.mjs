#!/usr/bin/env node
// `npm run bench`: every figure of issue 6 from one command — micro benchmarks inside
// workerd (bench/worker), the peers in Node on the same fixture, load against
// `wrangler dev`, bundle size and cold start. Writes bench/results.json, prints the
// tables, and puts them in README.md. See bench/README.md for the method.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { dependencyBundles } from "./lib/dependency-bundles.mjs";
import { benchSetup, makeFixtures } from "./lib/fixtures.mjs";
import { freePort, runLoad } from "./lib/load.mjs";
import { growthSetup, runFresh, runOperation, runPhases, setupWorker, WORKERD_OPERATIONS } from "./lib/micro.mjs";
import { runPeers, verifiers } from "./lib/peers.mjs";
import { describeMachine, markdown, peerRatios, targets, updateReadme } from "./lib/report.mjs";
import { measureBundles } from "./lib/size.mjs";
import { runWebhookBench } from "./lib/webhooks.mjs";
import { runScimBench } from "./lib/scim.mjs";
import { prebuiltConfig, root, startBenchWorker } from "./lib/wrangler.mjs";

// BENCH_QUICK=1: a short smoke run of every part (numbers not worth keeping; README untouched).
const QUICK = process.env.BENCH_QUICK === "1";
const PLAN = QUICK ? { budgetMs: 300 } : { budgetMs: 1500 };
const PHASE_PLAN = { budgetMs: QUICK ? 150 : 400, warmupMs: 100 };
const FRESH_ROUNDS = QUICK ? 2 : 8;
/** Fresh isolates per CPU-time call, and interleaved repetitions (bench/lib/micro.mjs freshCpu). */
const FRESH_CPU = QUICK ? { cpuRounds: 4, cpuRepeats: 1 } : { cpuRounds: 12, cpuRepeats: 3 };
const PEERS = QUICK ? { rounds: 1, roundMs: 300 } : { rounds: 3, roundMs: 600 };
const WEBHOOKS = QUICK ? { latencyEvents: 5, burst: 50 } : { latencyEvents: 40, burst: 400 };
const SCIM = QUICK ? { users: 200, concurrency: 16, lookups: 50 } : { users: 10_000, concurrency: 16, lookups: 500 };
const LOAD = QUICK
  ? { connections: 10, durationS: 3, acsLogins: 40, burst: { logins: 100, concurrency: 16 } }
  : { connections: 10, durationS: 10, acsLogins: 250, burst: { logins: 1000, concurrency: 16 } };
/** Rows already in each login table of a fresh org before a login's storage operations are timed. */
const GROWTH_ROWS = QUICK ? [1_000, 10_000] : [1_000, 10_000, 100_000];

const began = performance.now();
const log = (message) =>
  console.error(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s] ${message}`);
const out = join(root, "bench", "out");
await mkdir(out, { recursive: true });
const wranglerToml = await readFile(join(root, "wrangler.toml"), "utf8");
const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(wranglerToml)[1];
const compatibilityFlags = JSON.parse(/^compatibility_flags\s*=\s*(\[.*\])/m.exec(wranglerToml)[1]);
const wranglerVersion = JSON.parse(
  await readFile(join(root, "node_modules", "wrangler", "package.json"), "utf8"),
).version;
const workerdVersion = JSON.parse(
  await readFile(join(root, "node_modules", "workerd", "package.json"), "utf8"),
).version;
const machine = describeMachine(wranglerVersion, workerdVersion);

log("fixtures: the dev IdP signs with xmlsec1");
const fixtures = await makeFixtures();
const setup = benchSetup(fixtures);
try {
  log(`  signed ${fixtures.signed.bytes} bytes, encrypted ${fixtures.encrypted.bytes} bytes`);
  log("bundles: wrangler deploy --dry-run (as configured, minified, bench worker)");
  const { bundle, bundles } = await measureBundles(join(out, "bundles"));

  log("micro: the bench worker in wrangler dev");
  const benchPort = await freePort();
  const benchState = await mkdtemp(join(tmpdir(), "edge-sso-bench-worker-"));
  // The bench worker runs from its dry-run bundle (built from bench/wrangler.toml above).
  const benchConfig = await prebuiltConfig({
    config: join(root, "bench", "wrangler.toml"),
    bundleDir: join(out, "bundles", "bench"),
    outPath: join(out, "bench-dev", "wrangler.toml"),
  });
  const worker = await startBenchWorker({ config: benchConfig, port: benchPort, persistTo: benchState });
  const micro = [];
  const growth = [];
  let phases;
  let coldStart;
  try {
    await setupWorker(worker.url, setup);
    for (const op of WORKERD_OPERATIONS) {
      micro.push(await runOperation(worker.url, op, PLAN));
      log(`  ${op}: median ${micro.at(-1).medianUs} µs, CPU ${micro.at(-1).cpuUsPerOp ?? "?"} µs/op`);
    }
    for (const rows of GROWTH_ROWS) {
      const { op, counts } = await growthSetup(worker.url, rows);
      growth.push({ rows, counts, ...(await runOperation(worker.url, op, PLAN)) });
      log(`  ${op}: median ${growth.at(-1).medianUs} µs, CPU ${growth.at(-1).cpuUsPerOp ?? "?"} µs/login`);
    }
    log("  profile: each step of a verification");
    phases = [await runPhases(worker.url, "signed", PHASE_PLAN), await runPhases(worker.url, "encrypted", PHASE_PLAN)];
    log(`  fresh isolates: ${FRESH_ROUNDS} rounds`);
    coldStart = await runFresh(worker.url, {
      bundles,
      dependencies: await dependencyBundles(),
      setup,
      rounds: FRESH_ROUNDS,
      ...FRESH_CPU,
      compatibilityDate,
      compatibilityFlags,
    });
    log(
      `  first verification ${coldStart.firstVerifyMs.median} ms (CPU ${coldStart.cpu.firstVerifyMs} ms), ` +
        `module evaluation ${coldStart.mainModuleEvalMs} ms (CPU ${coldStart.cpu.mainModuleEvalMs} ms)`,
    );
  } finally {
    await worker.close();
    await rm(benchState, { recursive: true, force: true });
  }

  log("peers in Node, interleaved rounds");
  const peers = await runPeers(await verifiers({ ...setup, idpMetadataXml: fixtures.idp.metadataXml }, out), PEERS);
  for (const p of peers) log(`  ${p.name}: median ${p.medianUs} µs`);

  log("load: autocannon against wrangler dev");
  const load = await runLoad({ idp: fixtures.idp, ...LOAD, log });

  log("webhooks: one org's outbox to a receiver on loopback, against wrangler dev");
  const webhooks = await runWebhookBench({ ...WEBHOOKS, log });
  log(
    `  ${webhooks.throughput.perSec} deliveries/s; event to first attempt p50 ${webhooks.firstAttempt.p50Ms} ms, p99 ${webhooks.firstAttempt.p99Ms} ms`,
  );

  log(`scim: a directory of ${SCIM.users} users, against wrangler dev`);
  const scim = await runScimBench({ ...SCIM, log });
  log(
    `  create ${scim.create.perSec}/s, userName eq ${scim.lookup.perSec}/s, all ${scim.pages.count} pages in ${scim.pages.seconds} s`,
  );

  const results = {
    machine,
    generatedAt: new Date().toISOString(),
    durationS: (performance.now() - began) / 1000,
    fixture: {
      signedBytes: fixtures.signed.bytes,
      encryptedBytes: fixtures.encrypted.bytes,
      signature: "Assertion signed by xmlsec1: RSA-2048, RSA-SHA256, SHA-256 digest, exc-c14n, enveloped",
      encryption: "EncryptedAssertion by xmlsec1: AES-256-CBC, RSA-OAEP (mgf1p) key transport",
    },
    results: [...micro, ...peers, ...load.rows],
    ratios: peerRatios([...micro, ...peers]),
    bundle,
    coldStartMs: load.coldStartMs,
    coldStart,
    phases,
    load: LOAD,
    growth,
    burst: load.burst,
    webhooks,
    scim,
  };
  results.targets = targets(results);
  const table = markdown(results);
  console.log(table);
  if (QUICK) {
    await writeFile(join(out, "results.quick.json"), `${JSON.stringify(results, null, 2)}\n`);
    log("quick run: bench/out/results.quick.json written, README.md untouched");
  } else {
    await writeFile(join(root, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    await updateReadme(join(root, "README.md"), table);
    log("bench/results.json and README.md (Performance) written");
  }
} finally {
  await fixtures.idp.close();
}
