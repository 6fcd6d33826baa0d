/**
 * Helpers of the whole-flow tests: seed a client, an org and a SAML connection to the dev
 * IdP (tools/dev-idp, started on loopback by the Node-side global setup), drive
 * /oauth/authorize, have the dev IdP sign a response with xmlsec1, and post it to the ACS.
 */
import { exports } from "cloudflare:workers";
import { expect, inject } from "vitest";
import { eventually, get, patch, post } from "../admin/helpers";

import { BASE, pkcePair, REDIRECT_URI } from "../worker-client";

export { BASE, REDIRECT_URI };
/** PKCE S256 pair (RFC 7636). */
export const pkce = pkcePair;

export interface Seeded {
  clientId: string;
  clientSecret: string;
  orgId: string;
  connectionId: string;
  domain: string;
  acsUrl: string;
  entityId: string;
}

let counter = 0;

/** A client, an org owning a fresh domain, and an active SAML connection to the dev IdP. */
export async function seedSaml(
  options: { saml?: Record<string, unknown>; org?: Record<string, unknown>; connection?: Record<string, unknown> } = {},
): Promise<Seeded> {
  const idp = inject("devIdp");
  const domain = `flow${++counter}-${crypto.randomUUID().slice(0, 8)}.example.org`;
  const client = await post("clients", { name: "App", redirectUris: [REDIRECT_URI, "https://other.example.com/cb"] });
  expect(client.status).toBe(201);
  const org = await post("organizations", { name: "Flow Org", domains: [domain], ...options.org });
  expect(org.status).toBe(201);
  const conn = await post(`organizations/${org.body.id}/connections`, {
    type: "saml",
    ...options.connection,
    saml: { ...options.saml },
  });
  expect(conn.status).toBe(201);
  const md = await post(`organizations/${org.body.id}/connections/${conn.body.id}/idp-metadata`, {
    metadataXml: idp.metadataXml,
  });
  expect(md.status).toBe(200);
  if (options.saml) {
    const updated = await patch(`organizations/${org.body.id}/connections/${conn.body.id}`, { saml: options.saml });
    expect(updated.status).toBe(200);
  }
  const activated = await post(`organizations/${org.body.id}/connections/${conn.body.id}/activate`);
  expect(activated.status).toBe(200);
  return {
    clientId: client.body.clientId,
    clientSecret: client.body.clientSecret,
    orgId: org.body.id,
    connectionId: conn.body.id,
    domain,
    acsUrl: conn.body.sp.acsUrl,
    entityId: conn.body.sp.entityId,
  };
}

export function authorizeUrl(s: Pick<Seeded, "clientId">, params: Record<string, string>): string {
  const url = new URL(`${BASE}/oauth/authorize`);
  const all = {
    response_type: "code",
    client_id: s.clientId,
    redirect_uri: REDIRECT_URI,
    scope: "openid email profile",
    ...params,
  };
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  return url.toString();
}

export function fetchWorker(url: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(url, { redirect: "manual", ...init });
}

/** The started login: the AuthnRequest (inflated), RelayState and the binding cookie. */
export interface StartedLogin {
  requestXml: string;
  requestId: string;
  relayState: string;
  cookie: string;
  location: URL;
}

export async function startLogin(url: string): Promise<StartedLogin> {
  const response = await fetchWorker(url);
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get("location")!);
  const setCookie = response.headers.get("set-cookie")!;
  expect(setCookie).toMatch(/HttpOnly; Path=\/; Max-Age=600; SameSite=None; Secure/);
  const requestXml = await inflate(location.searchParams.get("SAMLRequest")!);
  return {
    requestXml,
    requestId: /ID="([^"]+)"/.exec(requestXml)![1]!,
    relayState: location.searchParams.get("RelayState")!,
    cookie: setCookie.split(";")[0]!,
    location,
  };
}

export async function inflate(base64: string): Promise<string> {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Response(stream).text();
}

/** Asks the dev IdP (xmlsec1) for a signed SAMLResponse. */
export async function signResponse(
  body: Record<string, unknown>,
): Promise<{ samlResponse: string; assertionId: string; xml: string }> {
  const response = await fetch(`${inject("devIdp").url}/sign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

export const PERSISTENT_NAME_ID = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent";

/**
 * A SP-initiated SAML login of `email` through the connection: /oauth/authorize, a response
 * the dev IdP signs (`extra`: its NameID and other fields), posted to the ACS with the
 * login's cookie. Returns the ACS response.
 */
export async function samlLogin(s: Seeded, email: string, extra: Record<string, unknown> = {}): Promise<Response> {
  const started = await startLogin(authorizeUrl(s, { connection_id: s.connectionId }));
  const signed = await signResponse({
    inResponseTo: started.requestId,
    acsUrl: s.acsUrl,
    audience: s.entityId,
    email,
    ...extra,
  });
  return postAcs(s.acsUrl, { SAMLResponse: signed.samlResponse, RelayState: started.relayState }, started.cookie);
}

export function postAcs(acsUrl: string, form: Record<string, string>, cookie?: string): Promise<Response> {
  return fetchWorker(acsUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form).toString(),
  });
}

/**
 * The reason the audit log recorded under the reference id an error page showed: the org's
 * log (`?referenceId=`), or the app-wide feed when no org was known (written after the
 * response, so read until it is there).
 */
export async function failureReason(orgId: string | null, html: string): Promise<string | undefined> {
  const ref = /ref_[0-9a-z]{16}/.exec(html)?.[0];
  expect(ref, "the error page shows a reference id").toBeTruthy();
  type Failure = { data: { referenceId: string; reason: string } };
  const find = async () => {
    const events = await get(
      orgId ? `organizations/${orgId}/events?referenceId=${ref}` : "events?type=login.failed&limit=100",
    );
    return (events.body.data as Failure[]).find((e) => e.data.referenceId === ref);
  };
  return (orgId ? await find() : await eventually(find, (event) => event !== undefined))?.data.reason;
}

export async function exchangeCode(s: Seeded, code: string, extra: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(tokenRequest(s, code, extra));
}

/** POST /oauth/token for a code, authenticated with the seeded client's secret (client_secret_basic). */
export function tokenRequest(s: Seeded, code: string, extra: Record<string, string> = {}): Request {
  return new Request(`${BASE}/oauth/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${btoa(`${s.clientId}:${s.clientSecret}`)}`,
    },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT_URI,
      ...extra,
    }).toString(),
  });
}
