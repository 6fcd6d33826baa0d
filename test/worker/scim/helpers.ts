/** Helpers of the SCIM tests: an org with a verified domain and a SCIM token, and a SCIM client through the worker. */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { BASE, createOrg, expectStatus, post, uniqueDomain } from "../admin/helpers";

export interface ScimOrg {
  orgId: string;
  domain: string;
  token: string;
  tokenId: string;
  base: string;
}

/** An org owning a fresh verified domain, and a SCIM token minted for it with the root key. */
export async function scimOrg(body: Record<string, unknown> = {}): Promise<ScimOrg> {
  const domain = uniqueDomain("scim");
  const org = await createOrg({ domains: [domain], ...body });
  const minted = await post(`organizations/${org.id}/scim-tokens`, { name: "Okta" });
  expectStatus(minted, 201);
  return {
    orgId: org.id,
    domain,
    token: minted.body.token,
    tokenId: minted.body.id,
    base: `${BASE}/scim/v2/${org.id}`,
  };
}

export interface ScimResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** A SCIM request to the org's base (`path` like `/Users`), as application/scim+json with its token. */
export async function scim(
  s: Pick<ScimOrg, "base" | "token">,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ScimResponse> {
  const init: RequestInit = {
    method,
    headers: {
      authorization: `Bearer ${s.token}`,
      ...(body !== undefined ? { "content-type": "application/scim+json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  };
  const response = await exports.default.fetch(`${s.base}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** Asserts a SCIM error (RFC 7644 §3.12) with this status and scimType. */
export function expectScimError(response: ScimResponse, status: number, scimType?: string): void {
  expect({ status: response.status, scimType: response.body?.scimType }, JSON.stringify(response.body)).toEqual({
    status,
    scimType,
  });
  expect(response.headers.get("content-type")).toBe("application/scim+json");
  expect(response.body.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:Error"]);
  expect(response.body.status).toBe(String(status));
  expect(typeof response.body.detail).toBe("string");
}

/** A minimal SCIM user body in the org's domain. */
export function userBody(s: Pick<ScimOrg, "domain">, local: string, extra: Record<string, unknown> = {}) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    userName: `${local}@${s.domain}`,
    name: { givenName: local, familyName: "Tester" },
    emails: [{ value: `${local}@${s.domain}`, type: "work", primary: true }],
    active: true,
    ...extra,
  };
}
