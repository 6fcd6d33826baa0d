// A webhook receiver on loopback (SPEC §6), for the tests (test/setup/webhook-receiver.ts)
// and `npm run bench`: a real HTTP server that checks every request with the
// `standardwebhooks` package — an implementation independent of edge-sso's — under each
// secret it was given, and records it.
//
//   POST /hooks/{name}       a webhook endpoint. Answers per the name's script, one action per
//                            request ("ok" 200, "500", "410", "timeout": never answers,
//                            "reset": drops the connection, "hold": 200 once released), then "ok".
//   PUT  /control/{name}     {script?: [...], secrets?: {label: "whsec_…"}, release?: true}
//                            configures a name (`release` answers its held requests).
//   GET  /control/{name}     {requests: [...]}: what arrived, oldest first, with the
//                            webhook-* headers, body, action taken and `verified: {label: bool}`.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

/** Starts the receiver on 127.0.0.1, an ephemeral port. Resolves to `{url, close, requests(name)}`. */
export async function startWebhookReceiver() {
  const endpoints = new Map();
  const held = new Set();
  const endpoint = (name) => {
    if (!endpoints.has(name)) endpoints.set(name, { script: [], secrets: {}, requests: [], holding: [] });
    return endpoints.get(name);
  };
  const server = createServer(async (request, response) => {
    const receivedAt = Date.now();
    const body = await readBody(request);
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const [, area, name] = path.split("/");
    if (area === "control" && name && request.method === "PUT") {
      const config = JSON.parse(body || "{}");
      const target = endpoint(name);
      if (config.script) target.script = [...config.script];
      if (config.secrets) target.secrets = { ...config.secrets };
      if (config.release) release(target);
      return send(response, 204, "");
    }
    if (area === "control" && name && request.method === "GET") {
      return send(response, 200, JSON.stringify({ requests: endpoint(name).requests }), "application/json");
    }
    if (area !== "hooks" || !name || request.method !== "POST") return send(response, 404, "");
    const target = endpoint(name);
    const action = target.script.shift() ?? "ok";
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([key]) => key.startsWith("webhook-") || key === "content-type"),
    );
    target.requests.push({ receivedAt, headers, body, action, verified: verify(target.secrets, body, headers) });
    if (action === "timeout") return held.add(request.socket);
    if (action === "reset") return request.socket.destroy();
    if (action === "hold") return target.holding.push(response);
    const status = action === "ok" ? 200 : Number(action);
    send(response, status, status === 200 ? "ok" : "no");
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    requests: (name) => endpoint(name).requests,
    configure: (name, config) => Object.assign(endpoint(name), config),
    release: (name) => release(endpoint(name)),
    close: async () => {
      for (const socket of held) socket.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Answers 200 to every held request of an endpoint. */
function release(target) {
  for (const response of target.holding.splice(0)) send(response, 200, "ok");
}

/** Which of the named secrets the request verifies under: signature and timestamp, as standardwebhooks checks them. */
function verify(secrets, body, headers) {
  const verified = {};
  for (const [label, secret] of Object.entries(secrets)) {
    try {
      new Webhook(secret).verify(body, headers);
      verified[label] = true;
    } catch {
      verified[label] = false;
    }
  }
  return verified;
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response, status, body, type = "text/plain") {
  response.writeHead(status, { "content-type": type });
  response.end(body);
}
