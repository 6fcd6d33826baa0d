// SCIM at directory scale (issue 17), against `wrangler dev` of the real worker: a directory
// of USERS users created through POST /Users (CONCURRENCY at a time), then userName eq
// filters (indexed), a displayName co filter (a scan, counted in SQL), and every page of the
// directory with startIndex/count — with the time of each and the resident memory of the
// workerd processes before and after. A wrong answer (a count, a missing or repeated user,
// a filter that finds not exactly its user) fails the bench. Creates are set against two
// peers in the same run, at the same concurrency and with the workerd CPU of each: a SCIM
// request that only authenticates (GET /ServiceProviderConfig) and a plain member create
// through the admin API (a write with its audit event and outbox rows, no SCIM).
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startWranglerDev } from "../../scripts/lib/wrangler-dev.mjs";
import { freePort } from "./load.mjs";
import { cpuDelta, cpuSnapshot } from "./proc-cpu.mjs";
import { percentile, round } from "./stats.mjs";

const ADMIN_KEY = "bench-root-admin-key-0123456789abcdef";
const SECRETS_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/** Resident memory (MiB) of a process and its descendants (wrangler, its proxy, workerd). */
function treeRssMiB(pid) {
  const rows = execFileSync("ps", ["-e", "-o", "pid=,ppid=,rss="], { encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number));
  const inTree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, pp] of rows)
      if (inTree.has(pp) && !inTree.has(p)) {
        inTree.add(p);
        grew = true;
      }
  }
  return round(rows.filter(([p]) => inTree.has(p)).reduce((sum, [, , rss]) => sum + rss, 0) / 1024);
}

async function inParallel(count, concurrency, task) {
  let next = 0;
  const latencies = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await task(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return latencies;
}

/** @param {{users: number, concurrency: number, lookups: number, log: (s: string) => void}} options */
export async function runScimBench({ users, concurrency, lookups, log }) {
  const port = await freePort();
  const persistTo = await mkdtemp(join(tmpdir(), "edge-sso-bench-scim-"));
  const base = `http://127.0.0.1:${port}`;
  const edge = await startWranglerDev({
    port,
    persistTo,
    vars: { PUBLIC_URL: base, ADMIN_API_KEY: ADMIN_KEY, SECRETS_KEY },
  });
  try {
    /** CPU ms per request of wrangler's proxy (`entry`) and of the workerd that runs the worker, or null. */
    const cpuPerOp = (before, after, count) => {
      const d = cpuDelta(before, after);
      return d && { entry: round(d.entryMs / count), runtime: round(d.runtimeMs / count) };
    };
    const api = async (path, body) => {
      const res = await fetch(`${base}/api/v1${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const org = await api("/organizations", { name: "Bench directory", domains: ["dir.bench.example"] });
    const { token } = await api(`/organizations/${org.id}/scim-tokens`, { name: "bench" });
    const scim = async (method, path, body, expected) => {
      const res = await fetch(`${base}/scim/v2/${org.id}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status !== expected) throw new Error(`scim ${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
      return JSON.parse(text);
    };
    const name = (i) => `user${String(i).padStart(6, "0")}@dir.bench.example`;
    const summary = (latencies, seconds) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        count: sorted.length,
        perSec: round(sorted.length / seconds),
        p50Ms: round(percentile(sorted, 50)),
        p99Ms: round(percentile(sorted, 99)),
      };
    };
    await scim("GET", "/Users?count=1", undefined, 200);
    const rssBefore = treeRssMiB(edge.pid);

    log(`scim: creating ${users} users, ${concurrency} at a time`);
    const createCpu = await cpuSnapshot(port);
    const createStart = performance.now();
    const createLatencies = await inParallel(users, concurrency, (i) =>
      scim(
        "POST",
        "/Users",
        {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
          userName: name(i),
          displayName: `Person ${i}${i % 10 === 0 ? " Tenth" : ""}`,
          name: { givenName: "Person", familyName: String(i) },
          emails: [{ value: name(i), type: "work", primary: true }],
          externalId: `ext-${i}`,
        },
        201,
      ),
    );
    const createS = (performance.now() - createStart) / 1000;
    const createCpuPerOp = cpuPerOp(createCpu, await cpuSnapshot(port), users);

    log(`scim: ${lookups} userName eq filters`);
    const lookupStart = performance.now();
    const lookupLatencies = await inParallel(lookups, concurrency, async (i) => {
      const target = name((i * 7919) % users);
      const page = await scim("GET", `/Users?filter=${encodeURIComponent(`userName eq "${target}"`)}`, undefined, 200);
      if (page.totalResults !== 1 || page.Resources[0].userName !== target)
        throw new Error(`scim: userName eq ${target} found ${page.totalResults}`);
    });
    const lookupS = (performance.now() - lookupStart) / 1000;

    log("scim: a displayName co filter over the whole directory");
    const scanStart = performance.now();
    const scan = await scim(
      "GET",
      `/Users?filter=${encodeURIComponent('displayName co "tenth"')}&count=100`,
      undefined,
      200,
    );
    const scanMs = performance.now() - scanStart;
    if (scan.totalResults !== Math.ceil(users / 10)) throw new Error(`scim: co filter counted ${scan.totalResults}`);

    log("scim: paging through every user, 100 a page");
    const seen = new Set();
    const pageStart = performance.now();
    const pageLatencies = [];
    for (let start = 1; start <= users; start += 100) {
      const t = performance.now();
      const page = await scim("GET", `/Users?startIndex=${start}&count=100`, undefined, 200);
      pageLatencies.push(performance.now() - t);
      if (page.totalResults !== users) throw new Error(`scim: totalResults ${page.totalResults}, expected ${users}`);
      for (const r of page.Resources) seen.add(r.id);
    }
    const pagesS = (performance.now() - pageStart) / 1000;
    if (seen.size !== users) throw new Error(`scim: paging saw ${seen.size} distinct users of ${users}`);
    const rssAfter = treeRssMiB(edge.pid);

    // The peers of a create, in the same run and at the same concurrency.
    const peerRequests = Math.min(users, 1000);
    const peer = async (name, task) => {
      log(`scim: peer ${name}, ${peerRequests} requests`);
      const before = await cpuSnapshot(port);
      const start = performance.now();
      const latencies = await inParallel(peerRequests, concurrency, task);
      const seconds = (performance.now() - start) / 1000;
      return {
        name,
        ...summary(latencies, seconds),
        cpuMsPerOp: cpuPerOp(before, await cpuSnapshot(port), peerRequests),
      };
    };
    const peers = [
      await peer("GET /ServiceProviderConfig (the token check, one round trip, no write)", () =>
        scim("GET", "/ServiceProviderConfig", undefined, 200),
      ),
      await peer("admin POST …/users (a member create: event and outbox, no SCIM)", (i) =>
        api(`/organizations/${org.id}/users`, { email: `admin${i}@dir.bench.example` }),
      ),
    ];

    return {
      users,
      concurrency,
      create: { ...summary(createLatencies, createS), seconds: round(createS), cpuMsPerOp: createCpuPerOp },
      peers,
      lookup: summary(lookupLatencies, lookupS),
      scan: { ms: round(scanMs), matched: scan.totalResults },
      pages: { ...summary(pageLatencies, pagesS), seconds: round(pagesS) },
      rssMiB: { before: rssBefore, after: rssAfter },
    };
  } finally {
    await edge.close();
    await rm(persistTo, { recursive: true, force: true });
  }
}
