import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startDevIdp } from "../../tools/dev-idp/index.mjs";
import { generateKeyPair } from "../../tools/dev-idp/keys.mjs";

/**
 * An IdP that rotates its signing certificate, for the metadata refresh tests (SPEC §9):
 * two dev IdPs (tools/dev-idp, xmlsec1 signing) under one entity ID, one signing with the
 * old key and one with the new, and a loopback server publishing their metadata. Each test
 * uses a feed of its own (`/feeds/{name}/metadata.xml`), whose content it switches with
 * `POST /feeds/{name}/mode` `{mode, validUntil?, cacheDuration?}`:
 *
 * - `old` / `both` / `new`: metadata listing the old certificate, both, or the new one;
 * - `500`: HTTP 500; `garbage`: 200 with a body that is no XML; `sp`: SP metadata;
 *   `no-certs`: IdP metadata without a signing certificate; `reset`: the connection is
 *   destroyed before any answer (a network failure); `redirect-private`: a 302 to the cloud
 *   metadata address (169.254.169.254), which the outbound URL policy must refuse.
 *
 * Documents carry a strong `ETag` (a hash of the body) and a `Last-Modified`; a request
 * whose `If-None-Match` names the current ETag gets 304. `GET /feeds/{name}/log` lists every
 * metadata request: `{ifNoneMatch, ifModifiedSince, status}`.
 */
export async function rotatingIdpStep(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), "edge-sso-rotating-idp-"));
  const entityId = "urn:edge-sso:test:rotating-idp";
  const [oldKey, newKey] = await Promise.all([generateKeyPair(dir, "old"), generateKeyPair(dir, "new")]);
  const oldIdp = await startDevIdp({ entityId, key: { keyPath: oldKey.keyPath, certPath: oldKey.certPath } });
  const newIdp = await startDevIdp({ entityId, key: { keyPath: newKey.keyPath, certPath: newKey.certPath } });
  const feeds = new Map<string, Feed>();
  const feed = (name: string) => {
    let f = feeds.get(name);
    if (!f) feeds.set(name, (f = { mode: "old", log: [], validUntil: null, cacheDuration: null, since: new Date() }));
    return f;
  };
  const document = (f: Feed): string | null => {
    const certs = { old: [oldKey], both: [oldKey, newKey], new: [newKey], "no-certs": [] }[f.mode as "old"];
    if (certs === undefined && f.mode !== "sp") return null;
    return metadataXml({
      entityId,
      ssoUrl: oldIdp.ssoUrl,
      certificates: (certs ?? []).map((k) => k.certificatePem),
      sp: f.mode === "sp",
      validUntil: f.validUntil,
      cacheDuration: f.cacheDuration,
    });
  };

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const match = /^\/feeds\/([\w-]+)\/(metadata\.xml|mode|log)$/.exec(
      new URL(request.url ?? "/", "http://x").pathname,
    );
    if (!match) return send(response, 404, "text/plain", "not found");
    const f = feed(match[1]!);
    if (match[2] === "mode" && request.method === "POST") {
      const body = JSON.parse(await readBody(request)) as Partial<Feed>;
      const changed =
        body.mode !== f.mode || body.validUntil !== f.validUntil || body.cacheDuration !== f.cacheDuration;
      f.mode = body.mode ?? f.mode;
      f.validUntil = body.validUntil ?? null;
      f.cacheDuration = body.cacheDuration ?? null;
      if (changed) f.since = new Date(Math.max(Date.now(), f.since.getTime() + 1000));
      return send(response, 204, "text/plain", "");
    }
    if (match[2] === "log") return send(response, 200, "application/json", JSON.stringify(f.log));
    const entry = {
      ifNoneMatch: header(request, "if-none-match"),
      ifModifiedSince: header(request, "if-modified-since"),
      status: 0,
    };
    f.log.push(entry);
    if (f.mode === "reset") {
      entry.status = -1;
      return request.socket.destroy();
    }
    if (f.mode === "redirect-private") {
      // An IdP host turned hostile: it sends the refresh to the cloud metadata address.
      response.writeHead((entry.status = 302), { location: "https://169.254.169.254/latest/meta-data/" });
      return response.end();
    }
    if (f.mode === "500") return send(response, (entry.status = 500), "text/plain", "internal error");
    if (f.mode === "garbage") return send(response, (entry.status = 200), "application/xml", "this is {not xml");
    const body = document(f)!;
    const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 32)}"`;
    if (entry.ifNoneMatch === etag) {
      entry.status = 304;
      response.writeHead(304, { etag });
      return response.end();
    }
    entry.status = 200;
    response.writeHead(200, {
      "content-type": "application/samlmetadata+xml",
      etag,
      "last-modified": f.since.toUTCString(),
    });
    response.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  project.provide("rotatingIdp", {
    feedsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feeds`,
    entityId,
    oldSignUrl: `${oldIdp.url}/sign`,
    newSignUrl: `${newIdp.url}/sign`,
    oldCertificatePem: oldKey.certificatePem,
    newCertificatePem: newKey.certificatePem,
  });
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([oldIdp.close(), newIdp.close()]);
    await rm(dir, { recursive: true, force: true });
  };
}

interface Feed {
  mode: string;
  log: { ifNoneMatch: string | null; ifModifiedSince: string | null; status: number }[];
  validUntil: string | null;
  cacheDuration: string | null;
  /** Last-Modified of the current document. */
  since: Date;
}

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";

/** IdP metadata listing `certificates` for signing (or SP metadata, with `sp`). */
function metadataXml(o: {
  entityId: string;
  ssoUrl: string;
  certificates: string[];
  sp: boolean;
  validUntil: string | null;
  cacheDuration: string | null;
}): string {
  const attrs = [
    o.validUntil ? ` validUntil="${o.validUntil}"` : "",
    o.cacheDuration ? ` cacheDuration="${o.cacheDuration}"` : "",
  ].join("");
  const keys = o.certificates
    .map(
      (pem) =>
        `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${pem.replace(/-----[^-]+-----|\s/g, "")}` +
        `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`,
    )
    .join("");
  const descriptor = o.sp
    ? `<md:SPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">${keys}` +
      `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${o.ssoUrl}" index="0"/></md:SPSSODescriptor>`
    : `<md:IDPSSODescriptor protocolSupportEnumeration="${PROTOCOL}">${keys}` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${o.ssoUrl}"/>` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${o.ssoUrl}"/></md:IDPSSODescriptor>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<md:EntityDescriptor xmlns:md="${MD}" xmlns:ds="${DS}" entityID="${o.entityId}"${attrs}>${descriptor}</md:EntityDescriptor>\n`;
}

function header(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === "string" ? value : null;
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { "content-type": type });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
