// results.json, the markdown tables, and the README's Performance section.
import { readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import { readFileSync } from "node:fs";
import { round } from "./stats.mjs";

export const PEERS = ["node-saml", "samlify", "xml-crypto", "xmldsigjs (naive)"];
const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

export function describeMachine(wranglerVersion, workerdVersion) {
  const model =
    /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ??
    cpus()[0]?.model ??
    "unknown CPU";
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  return (
    `${model}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ` +
    `workerd ${workerdVersion} via wrangler ${wranglerVersion}, Linux; load average at start ${load} (shared machine)`
  );
}

const us = (v) =>
  v === undefined || v === null || Number.isNaN(v) ? "–" : v >= 1000 ? `${round(v / 1000)} ms` : `${round(v)} µs`;
const num = (v) => (v === undefined ? "–" : String(round(v)));

/** Ratios of our verifier to each peer, as time(edge-sso) : time(peer). */
export function peerRatios(rows) {
  const find = (name, where) => rows.find((r) => r.name === name && r.where === where);
  const oursNode = find("verifySamlResponse", "node");
  const oursWorkerd = find("verifySamlResponse", "workerd");
  return PEERS.map((peer) => {
    const p = find(peer, "node");
    return {
      peer,
      peerMedianUs: p.medianUs,
      nodeVsNode: round(oursNode.medianUs / p.medianUs),
      speedupNode: round(p.medianUs / oursNode.medianUs),
      workerdVsNode: round(oursWorkerd.medianUs / p.medianUs),
      speedupWorkerd: round(p.medianUs / oursWorkerd.medianUs),
    };
  });
}

/** A login's storage cost with the most rows ÷ with the fewest (issue 11: ≤ 1.5). */
export function growthRatio(growth) {
  if (!growth?.length) return null;
  const [first, last] = [growth[0], growth.at(-1)];
  return {
    fromRows: first.rows,
    toRows: last.rows,
    median: round(last.medianUs / first.medianUs),
    cpu: last.cpuUsPerOp && first.cpuUsPerOp ? round(last.cpuUsPerOp / first.cpuUsPerOp) : null,
  };
}

/** The targets of issues 6 and 11, each with what this run measured. */
export function targets(results) {
  const find = (name, where = "workerd") => results.results.find((r) => r.name === name && r.where === where);
  const ratio = (peer) => results.ratios.find((r) => r.peer === peer);
  const verify = find("verifySamlResponse");
  const growth = growthRatio(results.growth);
  const rows = [
    ["verifySamlResponse warm median, workerd", "≤ 0.4 ms", verify.medianUs / 1000, verify.medianUs <= 400, "ms"],
    [
      "node-saml ÷ verifySamlResponse (both Node)",
      "≥ 10×",
      ratio("node-saml").speedupNode,
      ratio("node-saml").speedupNode >= 10,
      "×",
    ],
    [
      "node-saml (Node) ÷ verifySamlResponse (workerd)",
      "≥ 10×",
      ratio("node-saml").speedupWorkerd,
      ratio("node-saml").speedupWorkerd >= 10,
      "×",
    ],
    [
      "naive xmldsigjs ÷ verifySamlResponse (both Node)",
      "≥ 4×",
      ratio("xmldsigjs (naive)").speedupNode,
      ratio("xmldsigjs (naive)").speedupNode >= 4,
      "×",
    ],
    [
      "first verification in a fresh isolate (workerd CPU time)",
      "≤ 5 ms",
      results.coldStart.cpu.firstVerifyMs,
      results.coldStart.cpu.firstVerifyMs === null ? null : results.coldStart.cpu.firstVerifyMs <= 5,
      "ms",
    ],
    ...(growth
      ? [
          [
            `a login's storage operations, ${growth.toRows} rows per table ÷ ${growth.fromRows} rows (median)`,
            "≤ 1.5×",
            growth.median,
            growth.median <= 1.5,
            "×",
          ],
        ]
      : []),
    [
      "gzipped bundle (KiB, as wrangler and Cloudflare's limits count)",
      "≤ 400 KB",
      results.bundle.gzipBytes / 1024,
      results.bundle.gzipBytes <= 400 * 1024,
      "KiB",
    ],
    [
      "module evaluation (main bundle, fresh isolate, workerd CPU time)",
      "≤ 25 ms",
      results.coldStart.cpu.mainModuleEvalMs,
      results.coldStart.cpu.mainModuleEvalMs === null ? null : results.coldStart.cpu.mainModuleEvalMs <= 25,
      "ms",
    ],
  ];
  return rows.map(([what, target, measured, met, unit]) => ({
    what,
    target,
    measured: measured === null ? "not measured (workerd restarted)" : `${round(measured)} ${unit}`,
    met,
  }));
}

export function markdown(results) {
  const lines = [];
  const row = (cells) => lines.push(`| ${cells.join(" | ")} |`);
  lines.push(`Machine: ${results.machine}. Run ${results.generatedAt}, ${round(results.durationS)} s in all.`, "");
  lines.push(
    `Fixture: a ${results.fixture.signedBytes}-byte Response whose Assertion xmlsec1 signed (RSA-2048, RSA-SHA256, exc-c14n); ` +
      `encrypted variant ${results.fixture.encryptedBytes} bytes (AES-256-CBC, RSA-OAEP).`,
    "",
  );
  const rsa = results.phases[0]?.steps.find((s) => s.step === "RSA-2048 verify");
  if (rsa) {
    lines.push(
      `Scale of this machine: RSA-2048 verify takes ${us(rsa.medianUs)} in workerd here, 16 µs on the issue's reference ` +
        `(×${round(rsa.medianUs / 16)}); absolute targets are for the reference, ratios are not.`,
      "",
    );
  }
  lines.push("| name | where | median | p99 | ops/s | notes |", "|---|---|---|---|---|---|");
  for (const r of results.results.filter((r) => !r.name.startsWith("load."))) {
    const notes = [];
    if (r.cpuUsPerOp !== undefined) notes.push(`CPU ${us(r.cpuUsPerOp)}/op`);
    if (r.minUs !== undefined) notes.push(`best ${us(r.minUs)}`);
    if (r.batchSize !== undefined) notes.push(`batches of ${r.batchSize}`);
    row([r.name, r.where, us(r.medianUs), us(r.p99Us), num(r.opsPerSec), notes.join(", ")]);
  }
  lines.push("", "Peers, on the same fixture in the same run (time of edge-sso : time of the peer):", "");
  lines.push(
    "| peer (Node) | peer median | edge-sso in Node : peer | edge-sso in workerd : peer |",
    "|---|---|---|---|",
  );
  for (const r of results.ratios) {
    row([
      r.peer,
      us(r.peerMedianUs),
      `1 : ${round(r.speedupNode)} (${r.nodeVsNode})`,
      `1 : ${round(r.speedupWorkerd)} (${r.workerdVsNode})`,
    ]);
  }
  lines.push(
    "",
    `Load: autocannon, ${results.load.connections} connections, against \`wrangler dev\` on loopback:`,
    "",
  );
  lines.push("| name | requests | req/s | p50 | p99 | workerd CPU/request |", "|---|---|---|---|---|---|");
  for (const r of results.results.filter((r) => r.name.startsWith("load."))) {
    const cpu =
      r.runtimeCpuMsPerRequest === null
        ? "not measured: workerd restarted during the run"
        : `${r.runtimeCpuMsPerRequest} ms (+ ${r.entryCpuMsPerRequest} ms in wrangler's proxy)`;
    row([r.name, num(r.requests), num(r.opsPerSec), us(r.medianUs), us(r.p99Us), cpu]);
  }
  lines.push(
    "",
    "The workerd CPU per request includes the local Durable Object and KV simulators (SQLite in the same process); " +
      'no figure here subtracts an assumed cost per round trip (an earlier "without storage" column did, and could not fail).',
  );
  const burst = results.burst;
  if (burst) {
    lines.push(
      "",
      `${burst.logins} logins of one org at once (at most ${burst.concurrency} requests in flight, loopback, \`wrangler dev\`): ` +
        `${burst.distinctCodes} distinct codes, each redeemed once (the second try is invalid_grant); ` +
        `**${burst.loginsPerSec} logins/s** (start, then ACS + token per login; the IdP's signing not counted):`,
      "",
      "| phase | requests | req/s | p50 | p99 | workerd CPU/request |",
      "|---|---|---|---|---|---|",
    );
    for (const p of burst.phases) {
      row([
        p.name,
        num(p.requests),
        p.perSec === null ? "–" : num(p.perSec),
        `${p.p50Ms} ms`,
        `${p.p99Ms} ms`,
        p.runtimeCpuMsPerRequest === null ? "–" : `${p.runtimeCpuMsPerRequest} ms`,
      ]);
    }
  }
  const growth = results.growth;
  if (growth?.length) {
    const ratio = growthRatio(growth);
    lines.push(
      "",
      "A login's storage operations (create + consume the pending login, complete the login, redeem the code and store the access token in one operation, read the access token: 5 round trips to the org's object) " +
        "with rows already in each of pending_logins, auth_codes, assertion_replay, access_tokens and events:",
      "",
      "| rows per table | median | p99 | best | workerd CPU/login | × the first row (median) |",
      "|---|---|---|---|---|---|",
    );
    for (const g of growth) {
      row([
        num(g.rows),
        us(g.medianUs),
        us(g.p99Us),
        us(g.minUs),
        us(g.cpuUsPerOp),
        `${round(g.medianUs / growth[0].medianUs)} ×`,
      ]);
    }
    lines.push(
      "",
      `${ratio.toRows} rows ÷ ${ratio.fromRows} rows: ${ratio.median} × (median), ${ratio.cpu ?? "–"} × (CPU).`,
    );
  }
  const w = results.webhooks;
  if (w) {
    lines.push(
      "",
      "Webhooks: one org's outbox to a receiver on loopback that verifies every request with `standardwebhooks`, against `wrangler dev`:",
      "",
      "| webhooks | value |",
      "|---|---|",
    );
    row([
      "deliveries per second, one org to one endpoint (one attempt in flight, in order)",
      `${num(w.throughput.perSec)} (${w.throughput.deliveries} queued events in ${w.throughput.seconds} s)`,
    ]);
    row([
      "event to first delivery attempt (recorded → received), p50 / p99 / max",
      `${w.firstAttempt.p50Ms} / ${w.firstAttempt.p99Ms} / ${w.firstAttempt.maxMs} ms (${w.firstAttempt.events} events, one at a time)`,
    ]);
  }
  const d = results.scim;
  if (d) {
    lines.push(
      "",
      `SCIM: a directory of ${num(d.users)} users in one org, against \`wrangler dev\` (${d.concurrency} requests in flight; every answer checked):`,
      "",
      "| SCIM | value |",
      "|---|---|",
    );
    const cpu = (c) => (c ? `; CPU ${c.runtime} ms workerd + ${c.entry} ms proxy per request` : "");
    row([
      "POST /Users (create)",
      `${num(d.create.perSec)}/s, p50 ${d.create.p50Ms} ms, p99 ${d.create.p99Ms} ms (${num(d.create.count)} in ${d.create.seconds} s)${cpu(d.create.cpuMsPerOp)}`,
    ]);
    for (const p of d.peers ?? [])
      row([
        `peer: ${p.name}`,
        `${num(p.perSec)}/s, p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms (${num(p.count)})${cpu(p.cpuMsPerOp)}`,
      ]);
    row([
      "GET /Users?filter=userName eq (indexed)",
      `${num(d.lookup.perSec)}/s, p50 ${d.lookup.p50Ms} ms, p99 ${d.lookup.p99Ms} ms`,
    ]);
    row([
      "displayName co filter over the directory (SQL scan and COUNT)",
      `${d.scan.ms} ms (${num(d.scan.matched)} matched)`,
    ]);
    row([
      "every page, startIndex/count=100",
      `${d.pages.count} pages in ${d.pages.seconds} s, p50 ${d.pages.p50Ms} ms, p99 ${d.pages.p99Ms} ms`,
    ]);
    row(["resident memory of wrangler dev + workerd, before → after", `${d.rssMiB.before} → ${d.rssMiB.after} MiB`]);
  }
  const b = results.bundle;
  const c = results.coldStart;
  lines.push("", "| size and start | value |", "|---|---|");
  row([
    "bundle (`wrangler deploy --dry-run`), raw / gzip -9",
    `${kib(b.rawBytes)} / ${kib(b.gzipBytes)} (wrangler: ${b.wranglerSays.replace("Total Upload: ", "")})`,
  ]);
  row(["the same with `--minify`", `${kib(b.minified.rawBytes)} / ${kib(b.minified.gzipBytes)}`]);
  row(["fresh `wrangler dev` to its first response", `${results.coldStartMs} ms`]);
  const cpuMs = (v) => (v === null ? "not measured (workerd restarted)" : `${v} ms`);
  row([
    "module evaluation, main bundle (fresh isolate − trivial isolate), workerd CPU time",
    `${cpuMs(c.cpu.mainModuleEvalMs)} (trivial isolate: ${cpuMs(c.cpu.trivialIsolateMs)}; ${c.cpu.rounds} isolates × ${c.cpu.repeats})`,
  ]);
  row([
    "of which compiling the uploaded code (the bundle beside a trivial main module, never imported), workerd CPU time",
    cpuMs(c.cpu.mainCompileOnlyMs),
  ]);
  row([
    "first verification in a fresh isolate, workerd CPU time (its first request − the same without verifying)",
    cpuMs(c.cpu.firstVerifyMs),
  ]);
  row([
    "module evaluation, main bundle, wall time",
    `${c.mainModuleEvalMs} ms (minified: ${c.mainMinifiedModuleEvalMs} ms)`,
  ]);
  row([
    "fresh isolate + main bundle + first response, wall time",
    `${c.mainFirstResponseMs} ms (trivial module: ${c.trivialIsolateMs} ms)`,
  ]);
  row([
    "first / second verification in a fresh isolate, wall time (1 ms clock)",
    `${c.firstVerifyMs.median} ms (max ${c.firstVerifyMs.max}) / ${c.secondVerifyMs} ms; next 50: ${c.next50MeanMs} ms each`,
  ]);
  lines.push("", "| target (issues 6, 11) | aim | measured | met |", "|---|---|---|---|");
  for (const t of results.targets) row([t.what, t.target, t.measured, t.met === null ? "–" : t.met ? "yes" : "**no**"]);
  lines.push(
    "",
    "Where the first verification in a fresh isolate goes (each step's first run, median of the rounds, 1 ms clock):",
    "",
  );
  lines.push("| step | ms |", "|---|---|");
  for (const [step, ms] of Object.entries(c.firstVerifySteps)) row([step.replace(/^first /, ""), String(ms)]);
  lines.push(
    "",
    "Module evaluation by import (each alone in a fresh isolate, whole package, minus a trivial isolate):",
    "",
  );
  lines.push("| import | workerd CPU time | wall time |", "|---|---|---|");
  for (const [name, ms] of Object.entries(c.moduleEvalByImportMs))
    row([name, cpuMs(c.cpu.moduleEvalByImportMs[name] ?? null), `${ms} ms`]);
  for (const p of results.phases) {
    lines.push("", `Where a verification's time goes (${p.fixture} fixture, workerd, each step timed alone):`, "");
    lines.push("| step | median | share |", "|---|---|---|");
    for (const s of p.steps) row([s.step, us(s.medianUs), `${s.share} %`]);
    row(["sum", us(p.totalUs), "100 %"]);
  }
  return lines.join("\n");
}

const kib = (bytes) => `${round(bytes / 1024)} KiB`;

/** Replaces the README's table between the markers, adding the section when it is missing. */
export async function updateReadme(path, table) {
  const readme = await readFile(path, "utf8");
  const block = `${START}\n${table}\n${END}`;
  let next;
  if (readme.includes(START) && readme.includes(END)) {
    next = readme.slice(0, readme.indexOf(START)) + block + readme.slice(readme.indexOf(END) + END.length);
  } else {
    const section =
      "## Performance\n\n" +
      "Every figure below comes from one command, `npm run bench`, on the machine it names; peers\n" +
      "run in the same run and are reported as ratios, which hold where absolute times drift. How\n" +
      "each number is measured: [bench/README.md](bench/README.md). Raw results:\n" +
      "[bench/results.json](bench/results.json).\n\n" +
      block +
      "\n";
    const at = readme.indexOf("\n## Architecture");
    next =
      at < 0 ? `${readme.trimEnd()}\n\n${section}` : `${readme.slice(0, at + 1)}${section}\n${readme.slice(at + 1)}`;
  }
  await writeFile(path, next);
}
