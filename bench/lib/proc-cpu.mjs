// CPU time of the workerd processes behind a `wrangler dev`, from /proc (Linux). workerd
// reports no per-request CPU time locally, so the bench divides process CPU by requests.
import { readdir, readFile, readlink } from "node:fs/promises";

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The pid listening on 127.0.0.1:port (wrangler's entry workerd), or null. */
async function listenerPid(port) {
  const table = await readFile("/proc/net/tcp", "utf8");
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const row = table
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[1] === local && f[3] === "0A");
  if (!row) return null;
  const socket = `socket:[${row[9]}]`;
  for (const pid of (await readdir("/proc")).filter((p) => /^\d+$/.test(p))) {
    try {
      for (const fd of await readdir(`/proc/${pid}/fd`)) {
        if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "")) === socket) return Number(pid);
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return null;
}

async function stat(pid) {
  const text = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND };
}

/**
 * The workerd processes of one `wrangler dev` serving `port`: `entry` (wrangler's proxy,
 * listening on the port) and `runtime` (its sibling that runs the worker and its objects).
 */
export async function workerdProcesses(port) {
  const entry = await listenerPid(port);
  if (entry === null) return null;
  const parent = (await stat(entry)).ppid;
  const siblings = [];
  for (const pid of (await readdir("/proc")).filter((p) => /^\d+$/.test(p)).map(Number)) {
    if (pid === entry) continue;
    try {
      const s = await stat(pid);
      const cmd = await readFile(`/proc/${pid}/cmdline`, "utf8");
      if (s.ppid === parent && cmd.includes("workerd")) siblings.push(pid);
    } catch {
      // gone
    }
  }
  return { entry, runtime: siblings };
}

/**
 * CPU ms used so far by the entry and the runtime processes of the `wrangler dev` on
 * `port`, found afresh each time: wrangler restarts workerd when a source file changes
 * (others edit this tree), and a delta across a restart means nothing — see cpuDelta.
 */
export async function cpuSnapshot(port) {
  try {
    const processes = await workerdProcesses(port);
    if (!processes) return null;
    const runtime = await Promise.all(processes.runtime.map((p) => stat(p).then((s) => s.cpuMs)));
    return {
      pids: [processes.entry, ...processes.runtime].join(","),
      entryMs: (await stat(processes.entry)).cpuMs,
      runtimeMs: runtime.reduce((a, b) => a + b, 0),
    };
  } catch {
    return null;
  }
}

/** CPU ms between two snapshots of the same processes, or null. */
export function cpuDelta(before, after) {
  if (!before || !after || before.pids !== after.pids) return null;
  return { entryMs: after.entryMs - before.entryMs, runtimeMs: after.runtimeMs - before.runtimeMs };
}
