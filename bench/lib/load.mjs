// Load: autocannon against `wrangler dev` of the real worker on loopback, at fixed
// concurrency: /sso/start, the ACS fed with responses signed ahead (one per pending
// login), and /oauth/token fed with the codes the ACS run minted.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { seedSamlDemo } from "../../scripts/lib/seed-demo.mjs";
import { startWranglerDev } from "../../scripts/lib/wrangler-dev.mjs";
import { decodeRedirectRequest, parseAuthnRequest } from "../../tools/dev-idp/index.mjs";
import { cpuDelta, cpuSnapshot } from "./proc-cpu.mjs";
import { round } from "./stats.mjs";

const ADMIN_KEY = "bench-root-admin-key-0123456789abcdef";
const SECRETS_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const REDIRECT_URI = "http://localhost:3000/callback";
const EMAIL = "jane@example.com";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs `fn` over `items` with at most `limit` at a time. */
async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/**
 * @param {{idp: Awaited<ReturnType<typeof import("../../tools/dev-idp/index.mjs").startDevIdp>>,
 *   connections: number, durationS: number, acsLogins: number, log: (s: string) => void}} options
 */
export async function runLoad({ idp, connections, durationS, acsLogins, burst, log }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const persistTo = await mkdtemp(join(tmpdir(), "edge-sso-bench-state-"));
  const t0 = performance.now();
  const edge = await startWranglerDev({
    port,
    persistTo,
    // The dev IdP's metadata names its loopback URL: the outbound URL policy allows it only so.
    vars: { PUBLIC_URL: issuer, ADMIN_API_KEY: ADMIN_KEY, SECRETS_KEY, ALLOW_INSECURE_LOOPBACK_IDP: "true" },
  });
  const coldStartMs = performance.now() - t0;
  try {
    const seeded = await seedSamlDemo({
      edgeUrl: issuer,
      adminKey: ADMIN_KEY,
      redirectUri: REDIRECT_URI,
      idpMetadataXml: idp.metadataXml,
      domain: "example.com",
    });
    const { clientId, clientSecret } = seeded.client;
    const startPath = `/sso/start?${new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      response_type: "code",
      scope: "openid email profile",
      state: "bench",
      login_hint: EMAIL,
    })}`;
    const cannon = (name, options) => measure(name, { url: issuer, connections, ...options }, port);

    log(`load.start: ${connections} connections, ${durationS} s`);
    await cannon("warm-up", { url: `${issuer}${startPath}`, duration: 2 });
    const start = await cannon("load.start", { url: `${issuer}${startPath}`, duration: durationS, expect: 302 });

    log(`load.acs: ${acsLogins} pending logins, each answered by a Response xmlsec1 signs now`);
    const logins = await mapLimit(Array.from({ length: acsLogins }), 4, () => beginLogin(issuer, startPath));
    const signStart = performance.now();
    const responses = await mapLimit(logins, 4, (l) =>
      idp.sign({ inResponseTo: l.requestId, acsUrl: l.acsUrl, audience: l.audience, email: EMAIL }),
    );
    log(`  signed ${responses.length} in ${Math.round(performance.now() - signStart)} ms`);
    const acsQueue = logins.map((l, i) => ({
      path: new URL(l.acsUrl).pathname,
      cookie: l.cookie,
      body: new URLSearchParams({ SAMLResponse: responses[i].samlResponse, RelayState: l.relayState }).toString(),
    }));
    const codes = [];
    const acs = await cannon("load.acs", {
      // Each connection builds its next request before it learns the run is over: keep a spare per connection.
      amount: acsQueue.length - connections,
      expect: 302,
      requests: [
        queueRequest(
          acsQueue,
          (item) => ({
            method: "POST",
            path: item.path,
            body: item.body,
            headers: { "content-type": "application/x-www-form-urlencoded", cookie: item.cookie },
          }),
          (status, headers) => {
            const code = status === 302 ? new URL(headers.location ?? headers.Location).searchParams.get("code") : null;
            if (code) codes.push(code);
          },
        ),
      ],
    });

    log(`load.token: ${codes.length} codes minted by the ACS run`);
    const tokenQueue = codes.map((code) =>
      new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        client_id: clientId,
        client_secret: clientSecret,
      }).toString(),
    );
    const token = await cannon("load.token", {
      amount: Math.max(1, tokenQueue.length - connections),
      expect: 200,
      requests: [
        queueRequest(tokenQueue, (body) => ({
          method: "POST",
          path: "/oauth/token",
          body,
          headers: { "content-type": "application/x-www-form-urlencoded" },
        })),
      ],
    });
    log(`burst: ${burst.logins} logins of one org, at most ${burst.concurrency} at a time`);
    const logins1k = await runBurst({ idp, issuer, startPath, clientId, clientSecret, port, ...burst, log });
    return {
      coldStartMs: Math.round(coldStartMs),
      rows: [start, acs, token],
      signedAhead: responses.length,
      burst: logins1k,
    };
  } finally {
    await edge.close();
    await rm(persistTo, { recursive: true, force: true });
  }
}

/**
 * `logins` whole logins of one org at once, at most `concurrency` requests in flight: every
 * login starts (/sso/start), the dev IdP signs its Response (not timed: the IdP's work), every
 * Response is posted to the ACS, and every code is redeemed at /oauth/token, then presented
 * again. Fails unless every login got its own code, every code was redeemed exactly once
 * (200 the first time, invalid_grant the second), and nothing else answered.
 */
async function runBurst({ idp, issuer, startPath, clientId, clientSecret, port, logins, concurrency, log }) {
  const timed = async (fn) => {
    const t = performance.now();
    const value = await fn();
    return { value, ms: performance.now() - t };
  };
  const phase = async (name, items, fn) => {
    const before = await cpuSnapshot(port);
    const t = performance.now();
    const out = await mapLimit(items, concurrency, (item) => timed(() => fn(item)));
    const wallMs = performance.now() - t;
    const cpu = cpuDelta(before, await cpuSnapshot(port));
    const ms = out.map((o) => o.ms).sort((a, b) => a - b);
    log(`  ${name}: ${items.length} in ${Math.round(wallMs)} ms`);
    return {
      values: out.map((o) => o.value),
      stats: {
        name,
        requests: items.length,
        wallMs: round(wallMs),
        perSec: round(items.length / (wallMs / 1000)),
        p50Ms: round(ms[Math.floor(ms.length * 0.5)]),
        p99Ms: round(ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))]),
        runtimeCpuMsPerRequest: cpu ? round(cpu.runtimeMs / items.length) : null,
      },
    };
  };
  const indexes = Array.from({ length: logins }, (_, i) => i);
  const started = await phase("start", indexes, () => beginLogin(issuer, startPath));
  const signStart = performance.now();
  const responses = await mapLimit(started.values, 4, (l) =>
    idp.sign({ inResponseTo: l.requestId, acsUrl: l.acsUrl, audience: l.audience, email: EMAIL }),
  );
  log(`  signed ${responses.length} Responses in ${Math.round(performance.now() - signStart)} ms (not timed)`);
  const redeem = (code) =>
    fetch(`${issuer}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        client_id: clientId,
        client_secret: clientSecret,
      }).toString(),
    });
  // Each login's code is redeemed as soon as its ACS answers (as an app does: codes live 60 s).
  const acsMs = [];
  const tokenMs = [];
  const finished = await phase("acs + token", indexes, async (i) => {
    const l = started.values[i];
    let t = performance.now();
    const res = await fetch(l.acsUrl, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: l.cookie },
      body: new URLSearchParams({ SAMLResponse: responses[i].samlResponse, RelayState: l.relayState }).toString(),
    });
    const location = res.headers.get("location");
    const code = res.status === 302 && location ? new URL(location).searchParams.get("code") : null;
    if (!code) throw new Error(`burst ACS answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    acsMs.push(performance.now() - t);
    t = performance.now();
    const answer = await redeem(code);
    const body = await answer.json();
    if (answer.status !== 200 || !body.id_token)
      throw new Error(`burst token answered ${answer.status}: ${JSON.stringify(body)}`);
    tokenMs.push(performance.now() - t);
    return { code, accessToken: body.access_token };
  });
  const codes = finished.values.map((v) => v.code);
  const distinct = new Set(codes).size;
  if (distinct !== logins) throw new Error(`burst: ${logins} logins gave ${distinct} distinct codes`);
  const token = { values: finished.values.map((v) => v.accessToken) };
  if (new Set(token.values).size !== logins) throw new Error("burst: access tokens repeated");
  const again = await mapLimit(codes, concurrency, async (code) => {
    const res = await redeem(code);
    return res.status === 400 && (await res.json()).error === "invalid_grant";
  });
  if (!again.every(Boolean)) throw new Error(`burst: ${again.filter((ok) => !ok).length} codes redeemed twice`);
  const wallMs = started.stats.wallMs + finished.stats.wallMs;
  const quantiles = (name, list) => {
    const ms = [...list].sort((x, y) => x - y);
    return {
      name,
      requests: ms.length,
      p50Ms: round(ms[Math.floor(ms.length * 0.5)]),
      p99Ms: round(ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))]),
    };
  };
  return {
    logins,
    concurrency,
    distinctCodes: distinct,
    redeemedOnce: logins,
    loginsPerSec: round(logins / (wallMs / 1000)),
    phases: [
      started.stats,
      finished.stats,
      { ...quantiles("acs (within acs + token)", acsMs), wallMs: null, perSec: null, runtimeCpuMsPerRequest: null },
      { ...quantiles("token (within acs + token)", tokenMs), wallMs: null, perSec: null, runtimeCpuMsPerRequest: null },
    ],
  };
}

/** An autocannon request that takes the next queue item on every send. */
function queueRequest(queue, toRequest, onResponse) {
  let next = 0;
  return {
    setupRequest: (request) => {
      const item = queue[next++];
      return item === undefined ? null : { ...request, ...toRequest(item) };
    },
    ...(onResponse ? { onResponse: (status, _body, _context, headers) => onResponse(status, headers) } : {}),
  };
}

/** One pending login, as a browser starts it: the AuthnRequest's ID, RelayState and binding cookie. */
async function beginLogin(issuer, startPath) {
  const res = await fetch(`${issuer}${startPath}`, { redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location)
    throw new Error(`/sso/start answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const query = new URL(location).searchParams;
  const request = parseAuthnRequest(decodeRedirectRequest(query.get("SAMLRequest")), "redirect");
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return {
    requestId: request.id,
    acsUrl: request.acsUrl,
    audience: request.issuer,
    relayState: query.get("RelayState"),
    cookie,
  };
}

/** Runs autocannon and reads throughput, latency and the workerd CPU it cost. */
async function measure(name, options, port) {
  const { expect, ...cannonOptions } = options;
  const before = await cpuSnapshot(port);
  const result = await autocannon(cannonOptions);
  const delta = cpuDelta(before, await cpuSnapshot(port));
  const requests = result.requests.total;
  const unexpected = expect === undefined ? 0 : requests - (result.statusCodeStats?.[expect]?.count ?? 0);
  if (expect !== undefined && unexpected > 0) {
    throw new Error(
      `${name}: ${unexpected} of ${requests} responses were not ${expect}: ${JSON.stringify(result.statusCodeStats)}`,
    );
  }
  // null when wrangler restarted workerd during the run (a source file changed).
  const cpu =
    delta && requests > 0
      ? {
          runtimeCpuMsPerRequest: round(delta.runtimeMs / requests),
          entryCpuMsPerRequest: round(delta.entryMs / requests),
        }
      : { runtimeCpuMsPerRequest: null, entryCpuMsPerRequest: null };
  return {
    name,
    where: "workerd",
    medianUs: result.latency.p50 * 1000,
    p99Us: result.latency.p99 * 1000,
    opsPerSec: round(requests / (result.duration || 1)),
    requests,
    errors: result.errors + result.timeouts,
    connections: options.connections,
    durationS: round(result.duration),
    ...cpu,
  };
}
