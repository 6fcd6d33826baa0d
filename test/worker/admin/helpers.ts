/**
 * Shared helpers of the admin API tests: a fetch wrapper that goes through the worker's
 * own entry point (`exports.default.fetch`, no mocks), and builders for the objects most
 * tests need (orgs, connections, clients, keys).
 */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { generateSpKeyPair, type SpKeyPair } from "../../../src/crypto/sp-keys";
import type { AuditEvent } from "../../../src/store/org/types";

export const ROOT_KEY = "test-root-admin-key-0123456789abcdef";
export const BASE = "https://sso.test";
export const API = `${BASE}/api/v1`;

/** A parsed response. `body` is the JSON (or problem+json) document, else null. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface CallOptions {
  /** JSON body (serialized here, sent as application/json). */
  json?: unknown;
  /** A raw body sent as is (with `contentType`, if given). */
  raw?: BodyInit;
  contentType?: string;
  /** The bearer key: the root key by default; null sends no Authorization header. */
  key?: string | null;
  headers?: Record<string, string>;
}

/** Calls the worker. `path` is relative to /api/v1 unless it starts with `https://` or `/`. */
export async function call(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
  const url = path.startsWith("https://") ? path : path.startsWith("/") ? `${BASE}${path}` : `${API}/${path}`;
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? ROOT_KEY : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] = options.contentType ?? "application/json";
  } else if (options.raw !== undefined) {
    body = options.raw;
    if (options.contentType) headers["content-type"] = options.contentType;
  }
  const response = await exports.default.fetch(url, { method, headers, body });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  const parsed: unknown = /json/.test(type) && text ? JSON.parse(text) : null;
  return { status: response.status, headers: response.headers, body: parsed, text };
}

export const get = (path: string, options?: CallOptions) => call("GET", path, options);
export const post = (path: string, json?: unknown, options?: CallOptions) =>
  call("POST", path, { ...options, json: json ?? {} });
export const patch = (path: string, json: unknown, options?: CallOptions) => call("PATCH", path, { ...options, json });
export const del = (path: string, options?: CallOptions) => call("DELETE", path, options);

/** Asserts a problem+json answer with this status and stable code (SPEC §2). */
export function expectProblem(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.code }, response.text).toEqual({ status, code });
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  expect(response.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
  });
}

/** Asserts a success status, showing the body when it is not. */
export function expectStatus(response: ApiResponse, status: number): void {
  expect(response.status, response.text).toBe(status);
}

let counter = 0;
/** A domain no other test in this file uses. */
export function uniqueDomain(label = "acme"): string {
  counter += 1;
  return `${label}${counter}-${crypto.randomUUID().slice(0, 8)}.example.com`;
}

/** Creates an org with the root key (201 asserted) and returns its JSON. */
export async function createOrg(body: Record<string, unknown> = {}, key: string | null = ROOT_KEY) {
  const response = await post("organizations", { name: "Acme Corp", ...body }, { key });
  expectStatus(response, 201);
  return response.body as { id: string; slug: string; domains: string[]; activeSso: string; ssoAllowed: boolean };
}

let idpKeyPair: Promise<SpKeyPair> | undefined;
/** An IdP signing certificate (real X.509, generated once per file). */
export function idpCertificate(): Promise<string> {
  idpKeyPair ??= generateSpKeyPair({ commonName: "test idp" });
  return idpKeyPair.then((pair) => pair.certificatePem);
}

/** Minimal IdP metadata XML around a real certificate. */
export function idpMetadataXml(
  entityId: string,
  certificatePem: string,
  ssoUrl = "https://idp.example.com/sso",
): string {
  const der = certificatePem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  return `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/slo"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${ssoUrl}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}

/** Creates a SAML connection (a draft) and returns its JSON. */
export async function createSamlConnection(
  orgId: string,
  body: Record<string, unknown> = {},
  key: string | null = ROOT_KEY,
) {
  const response = await post(`organizations/${orgId}/connections`, { type: "saml", ...body }, { key });
  expectStatus(response, 201);
  return response.body as {
    id: string;
    state: string;
    domains: string[];
    sp: Record<string, string>;
    updatedAt: string;
  };
}

/** The IdP fields that make a SAML connection complete. */
export async function completeSamlFields(entityId = "https://idp.example.com/entity") {
  return { idpEntityId: entityId, idpSsoUrl: "https://idp.example.com/sso", idpCertificates: [await idpCertificate()] };
}

/** Creates a complete SAML connection and activates it. */
export async function createActiveSamlConnection(
  orgId: string,
  body: Record<string, unknown> = {},
  key: string | null = ROOT_KEY,
) {
  const connection = await createSamlConnection(orgId, { ...body, saml: await completeSamlFields() }, key);
  const activated = await post(`organizations/${orgId}/connections/${connection.id}/activate`, {}, { key });
  expectStatus(activated, 200);
  expect(activated.body.state).toBe("active");
  return activated.body as { id: string; state: string; domains: string[]; type: string };
}

/** An OIDC connection complete without discovery (every endpoint given explicitly). */
export function oidcFieldsWithEndpoints(clientSecret = "oidc-client-secret-value") {
  return {
    issuer: "https://login.example.com",
    clientId: "edge-sso",
    clientSecret,
    authorizationEndpoint: "https://login.example.com/authorize",
    tokenEndpoint: "https://login.example.com/token",
    jwksUri: "https://login.example.com/jwks",
  };
}

/** Mints an API key with the root key and returns `{id, key}`. */
export async function mintKey(scope: string, name = "test key") {
  const response = await post("api-keys", { name, scope });
  expectStatus(response, 201);
  return response.body as { id: string; key: string; scope: string; name: string };
}

/** All events of an org's audit log (newest first). */
export async function orgEvents(orgId: string, query = ""): Promise<AuditEventJson[]> {
  const response = await get(`organizations/${orgId}/events?limit=100${query}`);
  expectStatus(response, 200);
  return response.body.data as AuditEventJson[];
}

/** All events of the app-wide audit log (newest first). */
export async function appEvents(query = ""): Promise<AuditEventJson[]> {
  const response = await get(`events?limit=100${query}`);
  expectStatus(response, 200);
  return response.body.data as AuditEventJson[];
}

/**
 * Reads with `read` until `done` holds (at most `timeoutMs`), and returns the last value,
 * so an assertion on it shows what was there. For what edge-sso does after answering: an
 * org's events reach the app-wide feed from the org's own scheduled task, within a second.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** The app-wide feed once it holds every event of `orgEvents` and each of `types` (newest first). */
export async function appEventsHolding(
  expected: { ids?: string[]; types?: string[]; query?: string } = {},
): Promise<AuditEventJson[]> {
  return eventually(
    () => appEvents(expected.query ?? ""),
    (events) =>
      (expected.ids ?? []).every((id) => events.some((e) => e.id === id)) &&
      (expected.types ?? []).every((type) => events.some((e) => e.type === type)),
  );
}

/** An audit event as the API returns it (the stored record, as JSON). */
export type AuditEventJson = AuditEvent;
