// Drives the bench worker (bench/worker/index.ts) over loopback and turns its batch
// timings into results rows. Every number here was measured inside workerd.
import { cpuDelta, cpuSnapshot } from "./proc-cpu.mjs";
import { median, percentile, round, summarize } from "./stats.mjs";

/** results.json names of the operations timed in workerd, in table order. */
export const WORKERD_OPERATIONS = [
  "verifySamlResponse",
  "verifySamlResponse.encrypted",
  "authnRequest.post",
  "authnRequest.postSigned",
  "authnRequest.redirectSigned",
  "idToken.sign",
  "do.pendingLogin",
  "do.code",
];

async function post(url, path, body) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`bench worker ${path} answered ${res.status}: ${text.slice(0, 4000)}`);
  return JSON.parse(text);
}

export const setupWorker = (url, setup) => post(url, "/setup", setup);

/** A fresh org with `rows` rows in each login table; answers the op name that times a login's storage against it. */
export const growthSetup = (url, rows) => post(url, "/growth", { rows });

/** A BatchTiming to a row: per-batch averages are the samples (see bench/README.md). */
export function batchRow(name, timing) {
  const perOpUs = timing.batchMs.map((ms) => (ms * 1000) / timing.batchSize);
  return {
    name,
    where: "workerd",
    ...summarize(perOpUs, timing.totalOps / (timing.totalMs / 1000)),
    minUs: round(Math.min(...perOpUs)),
    batchSize: timing.batchSize,
  };
}

/**
 * One operation, and the workerd CPU time per call (the bench worker's port), which
 * contention on the shared machine inflates far less than wall time.
 */
export async function runOperation(url, op, plan = {}) {
  const port = Number(new URL(url).port);
  const before = await cpuSnapshot(port);
  const timing = await post(url, "/run", { op, plan });
  const cpu = cpuDelta(before, await cpuSnapshot(port));
  const row = batchRow(op, timing);
  if (cpu) row.cpuUsPerOp = round((cpu.runtimeMs * 1000) / timing.allOps);
  return row;
}

/** Per-step medians of one verification, in µs, and the share of their sum. */
export async function runPhases(url, fixture, plan = {}) {
  const timings = await post(url, "/phases", { fixture, plan });
  const rows = Object.entries(timings).map(([step, t]) => ({ step, medianUs: batchRow(step, t).medianUs }));
  const total = rows.reduce((n, r) => n + r.medianUs, 0);
  return {
    fixture,
    totalUs: round(total),
    steps: rows.map((r) => ({ ...r, share: round((100 * r.medianUs) / total) })),
  };
}

/**
 * Fresh isolates: the bench bundle's first verifications (whole, and step by step), and
 * module evaluation of each bundle estimated as (load + first response) − the same for
 * a trivial module. `dependencies` are one bundle per import (dependency-bundles.mjs).
 */
export async function runFresh(
  url,
  { bundles, dependencies, setup, rounds, cpuRounds, cpuRepeats, compatibilityDate, compatibilityFlags },
) {
  const setupBody = JSON.stringify(setup);
  const request = {
    compatibilityDate,
    compatibilityFlags,
    rounds,
    bundles: {
      bench: { ...bundles.bench, request: { path: "/first-verify", method: "POST", body: setupBody } },
      benchSteps: { ...bundles.bench, request: { path: "/first-phases", method: "POST", body: setupBody } },
      // A route that needs no binding and does no work: a 404 problem document.
      main: { ...bundles.main, request: { path: "/bench-no-such-route" } },
      mainMinified: { ...bundles.mainMinified, request: { path: "/bench-no-such-route" } },
      ...Object.fromEntries(
        Object.entries(dependencies).map(([name, b]) => [`dep:${name}`, { ...b, request: { path: "/" } }]),
      ),
    },
  };
  const samples = await post(url, "/fresh", request);
  const cpu = await freshCpu(url, {
    base: { compatibilityDate, compatibilityFlags },
    bundles,
    dependencies,
    setupBody,
    rounds: cpuRounds,
    repeats: cpuRepeats,
  });
  const firstMs = (name) => samples[name].map((s) => s.firstMs);
  const trivial = median(firstMs("trivial"));
  const firstVerify = samples.bench.map((s) => s.reported.firstMs);
  const stepNames = Object.keys(samples.benchSteps[0].reported);
  return {
    rounds,
    trivialIsolateMs: trivial,
    mainModuleEvalMs: round(median(firstMs("main")) - trivial),
    mainFirstResponseMs: median(firstMs("main")),
    mainMinifiedModuleEvalMs: round(median(firstMs("mainMinified")) - trivial),
    p90MainFirstResponseMs: percentile(
      [...firstMs("main")].sort((a, b) => a - b),
      90,
    ),
    firstVerifyMs: { median: median(firstVerify), max: Math.max(...firstVerify), samples: firstVerify },
    secondVerifyMs: median(samples.bench.map((s) => s.reported.secondMs)),
    next50MeanMs: round(median(samples.bench.map((s) => s.reported.next50MeanMs))),
    firstVerifySteps: Object.fromEntries(
      stepNames.map((step) => [step, median(samples.benchSteps.map((s) => s.reported[step]))]),
    ),
    cpu,
    moduleEvalByImportMs: Object.fromEntries(
      Object.keys(dependencies).map((name) => [name, Math.max(0, round(median(firstMs(`dep:${name}`)) - trivial))]),
    ),
  };
}

/**
 * The CPU time of fresh isolates, from /proc: the workerd process that runs the bench worker
 * runs the isolates its Worker Loader starts too. Each call to /fresh loads one bundle
 * `rounds` times (beside the trivial module the worker always adds) and is compared with a
 * call that loads only the trivial module as often, so per load:
 *
 * - `trivialIsolateMs`: an isolate of the trivial module and its first request;
 * - `mainModuleEvalMs`: (main bundle's isolate) − (trivial isolate): compiling and
 *   evaluating the worker's modules, plus a 404 request (the route that needs no binding);
 * - `mainCompileOnlyMs`: the trivial module's isolate with the main bundle beside it as a
 *   module nothing imports, − the trivial isolate: what compiling the uploaded code costs;
 * - `firstVerifyMs`: the bench bundle's first request with one verification − the same
 *   request without it (`/verify-once?verify=0`: same body parsed, same input built).
 *
 * `repeats` interleaved repetitions, median of each. Contention inflates wall time several
 * times over on the shared machine and CPU time much less; CPU time includes V8's compiler
 * and GC threads (work the isolate causes). The /proc clock ticks in 10 ms, so a call
 * loads many isolates. Null when workerd restarted during a call.
 */
const TRIVIAL_JS = "export default { fetch() { return new Response('{}'); } };";

async function freshCpu(url, { base, bundles, dependencies, setupBody, rounds, repeats }) {
  const port = Number(new URL(url).port);
  const load = async (requested) => {
    const before = await cpuSnapshot(port);
    await post(url, "/fresh", { ...base, rounds, bundles: requested });
    const delta = cpuDelta(before, await cpuSnapshot(port));
    return delta ? delta.runtimeMs / rounds : null;
  };
  const verifyOnce = (verify) => ({
    ...bundles.bench,
    request: { path: `/verify-once?verify=${verify ? 1 : 0}`, method: "POST", body: setupBody },
  });
  const mainBundle = { ...bundles.main, request: { path: "/bench-no-such-route" } };
  // The trivial module as the main module, the worker's bundle beside it, never imported:
  // workerd compiles every module of a worker when the isolate starts, so this is the cost
  // of the uploaded code alone, without evaluating any of it.
  const unusedBundle = {
    mainModule: "trivial.js",
    modules: { "trivial.js": TRIVIAL_JS, "unused.js": bundles.main.modules[bundles.main.mainModule] },
    request: { path: "/" },
  };
  const samples = { trivial: [], main: [], unused: [], verify: [], noVerify: [] };
  for (let i = 0; i < repeats; i++) {
    samples.trivial.push(await load({}));
    samples.main.push(await load({ main: mainBundle }));
    samples.unused.push(await load({ unused: unusedBundle }));
    samples.verify.push(await load({ bench: verifyOnce(true) }));
    samples.noVerify.push(await load({ bench: verifyOnce(false) }));
  }
  const deps = {};
  for (const [name, b] of Object.entries(dependencies))
    deps[name] = await load({ dep: { ...b, request: { path: "/" } } });
  const med = (xs) => (xs.some((x) => x === null) ? null : median(xs));
  const trivial = med(samples.trivial);
  const diff = (a, b) => (a === null || b === null ? null : round(a - b));
  const isolate = (x) => diff(x, trivial);
  return {
    rounds,
    repeats,
    trivialIsolateMs: trivial === null ? null : round(trivial),
    mainIsolateMs: isolate(med(samples.main)),
    mainModuleEvalMs: diff(isolate(med(samples.main)), trivial),
    mainCompileOnlyMs: diff(isolate(med(samples.unused)), trivial),
    firstVerifyMs: diff(med(samples.verify), med(samples.noVerify)),
    samples,
    moduleEvalByImportMs: Object.fromEntries(
      Object.entries(deps).map(([name, ms]) => [name, diff(isolate(ms), trivial)]),
    ),
  };
}
