import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { freePort } from "./free-port";
import type { TestProject } from "vitest/node";

/**
 * A loopback HTTP server standing in for an IdP's published documents, so the admin
 * tests can exercise `idp-metadata {metadataUrl}` and OIDC discovery at activation
 * without the internet and without mocking fetch. Its base URL is provided to tests as
 * `metadataServerUrl` (see test/admin-provided.d.ts).
 *
 * - `GET /idp/okta.xml`: the Okta fixture metadata, as an IdP serves it;
 * - `GET /idp/doctype.xml`: metadata with a DOCTYPE (must be refused);
 * - `GET /idp/missing.xml`: 404;
 * - `GET /idp/redirect.xml`: 302 to `/idp/okta.xml`;
 * - `GET /idp/redirect-insecure.xml`: 302 to an http:// URL off loopback (must not be followed);
 * - `GET /idp/redirect-loop.xml`: 302 to itself;
 * - `GET /oidc/.well-known/openid-configuration`: discovery whose issuer is `{base}/oidc`;
 * - `GET /oidc-wrong/.well-known/openid-configuration`: discovery naming another issuer;
 * - `GET /idp/insecure-sso.xml`: the Okta metadata with its SSO URLs on plain http:// off
 *   loopback (the URL policy must refuse it as it refuses the field);
 * - `GET /oidc-insecure/.well-known/openid-configuration`: discovery naming an http://
 *   token endpoint off loopback (refused the same way).
 *
 * It also provides `outboundProbe`: a loopback port that accepts TCP and answers garbage
 * (open, not HTTP) and one nothing listens on (closed), for the port-scan oracle tests.
 */
export async function startMetadataServer(project: TestProject): Promise<() => Promise<void>> {
  const okta = await readFile(new URL("../fixtures/idp-metadata/okta.xml", import.meta.url), "utf8");
  let base = "";
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const send = (status: number, type: string, body: string) => {
      response.writeHead(status, { "content-type": type });
      response.end(body);
    };
    const discovery = (issuer: string) =>
      JSON.stringify({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
      });
    switch (path) {
      case "/idp/insecure-sso.xml":
        return send(
          200,
          "application/samlmetadata+xml",
          okta.replaceAll('Location="https://trial-1022863.okta.com/', 'Location="http://trial-1022863.okta.com/'),
        );
      case "/oidc-insecure/.well-known/openid-configuration": {
        const doc = JSON.parse(discovery(`${base}/oidc-insecure`)) as Record<string, unknown>;
        return send(
          200,
          "application/json",
          JSON.stringify({ ...doc, token_endpoint: "http://idp.example.com/token" }),
        );
      }
      case "/idp/okta.xml":
        return send(200, "application/samlmetadata+xml", okta);
      case "/idp/doctype.xml":
        return send(
          200,
          "application/xml",
          `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]>${okta.replace(/^<\?xml[^>]*\?>/, "")}`,
        );
      case "/idp/redirect.xml":
        response.writeHead(302, { location: "/idp/okta.xml" });
        return response.end();
      case "/idp/redirect-insecure.xml":
        response.writeHead(302, { location: "http://idp.example.com/metadata.xml" });
        return response.end();
      case "/idp/redirect-loop.xml":
        response.writeHead(302, { location: "/idp/redirect-loop.xml" });
        return response.end();
      case "/oidc/.well-known/openid-configuration":
        return send(200, "application/json", discovery(`${base}/oidc`));
      case "/oidc-wrong/.well-known/openid-configuration":
        return send(200, "application/json", discovery("https://someone-else.example"));
      default:
        return send(404, "text/plain", "not found");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  project.provide("metadataServerUrl", base);
  // Open but not HTTP: accepts, writes a line that is no HTTP status line, and hangs up.
  const open = createTcpServer((socket) => {
    socket.on("error", () => {});
    socket.end("SSH-2.0-not-http\r\n", () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    open.once("error", reject);
    open.listen(0, "127.0.0.1", () => resolve());
  });
  project.provide("outboundProbe", {
    openPort: (open.address() as AddressInfo).port,
    closedPort: await freePort(),
  });
  return async () => {
    open.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}
