// Webhook delivery from one org to a receiver on loopback, against `wrangler dev` of the
// real worker: the latency from an event to its first delivery attempt, and how many
// deliveries a second one org's outbox sends to one endpoint (one attempt in flight, in
// order, SPEC §6). The receiver verifies every request with the `standardwebhooks` package;
// a request that fails it, or an event missing or out of order, fails the bench.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWranglerDev } from "../../scripts/lib/wrangler-dev.mjs";
import { freePort } from "./load.mjs";
import { percentile, round } from "./stats.mjs";
import { startWebhookReceiver } from "./webhook-receiver.mjs";

const ADMIN_KEY = "bench-root-admin-key-0123456789abcdef";
const SECRETS_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/** @param {{latencyEvents: number, burst: number, log: (s: string) => void}} options */
export async function runWebhookBench({ latencyEvents, burst, log }) {
  const receiver = await startWebhookReceiver();
  const port = await freePort();
  const persistTo = await mkdtemp(join(tmpdir(), "edge-sso-bench-webhooks-"));
  const base = `http://127.0.0.1:${port}`;
  const edge = await startWranglerDev({
    port,
    persistTo,
    vars: { PUBLIC_URL: base, ADMIN_API_KEY: ADMIN_KEY, SECRETS_KEY, ALLOW_INSECURE_LOOPBACK_IDP: "true" },
  });
  try {
    const api = async (method, path, body) => {
      const res = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const org = await api("POST", "/organizations", { name: "Bench webhooks" });
    const hook = await api("POST", "/webhooks", { url: `${receiver.url}/hooks/bench`, events: ["user.created"] });
    receiver.configure("bench", { secrets: { current: hook.secret } });
    let users = 0;
    const createUser = () => api("POST", `/organizations/${org.id}/users`, { email: `u${users++}@bench.example` });
    const arrived = async (count, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (uniqueIds(receiver.requests("bench")).length < count) {
        if (Date.now() > deadline)
          throw new Error(
            `webhooks: ${count} deliveries expected, ${uniqueIds(receiver.requests("bench")).length} arrived`,
          );
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };

    await createUser();
    await arrived(1);
    log(`webhooks: latency from event to first attempt, ${latencyEvents} events one at a time`);
    const latencies = [];
    for (let i = 0; i < latencyEvents; i++) {
      await createUser();
      await arrived(users);
      const request = receiver.requests("bench").at(-1);
      latencies.push(request.receivedAt - Date.parse(JSON.parse(request.body).createdAt));
    }

    log(`webhooks: up to ${burst} events queued behind a held attempt (for at most 7 s), then released`);
    const before = users;
    const heldFrom = receiver.requests("bench").length;
    receiver.configure("bench", { script: ["hold"] });
    // Release well inside the outbox's 10 s attempt timeout, or the held attempt would fail and retry.
    const releaseBy = Date.now() + 7_000;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (users < before + burst && Date.now() < releaseBy) await createUser();
      }),
    );
    const queued = users - before;
    const released = Date.now();
    receiver.release("bench");
    await arrived(users);
    const requests = receiver.requests("bench");
    const burstRequests = requests.slice(heldFrom);
    if (burstRequests.length !== queued || burstRequests[0].action !== "hold")
      throw new Error(
        `webhooks: ${burstRequests.length} requests for ${queued} queued events (an attempt was retried)`,
      );
    const last = Math.max(...burstRequests.map((r) => r.receivedAt));
    checkDelivered(requests, users);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      firstAttempt: {
        events: latencies.length,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted.at(-1),
      },
      throughput: {
        // The held head was answered at the release: the others were sent after it, in order.
        deliveries: queued - 1,
        seconds: round((last - released) / 1000),
        perSec: round((queued - 1) / ((last - released) / 1000)),
      },
    };
  } finally {
    await edge.close();
    await receiver.close();
    await rm(persistTo, { recursive: true, force: true });
  }
}

const uniqueIds = (requests) => [...new Set(requests.map((r) => r.headers["webhook-id"]))];

/** Every request verified, every event once (deduplicated by webhook-id), in the order they were created. */
function checkDelivered(requests, count) {
  const unverified = requests.filter((r) => !r.verified.current);
  if (unverified.length > 0)
    throw new Error(`webhooks: ${unverified.length} requests failed standardwebhooks verification`);
  const ids = uniqueIds(requests);
  if (ids.length !== count) throw new Error(`webhooks: ${ids.length} distinct events arrived, ${count} created`);
  if (ids.some((id, i) => i > 0 && id < ids[i - 1])) throw new Error("webhooks: events arrived out of order");
}
