/**
 * Calling the worker from tests inside workerd: through its own entry point
 * (`exports.default.fetch`, no mocks), redirects not followed, JSON answers parsed.
 * Shared by the oauth, oidc and flow suites.
 */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";

export const ROOT_KEY = "test-root-admin-key-0123456789abcdef";
export const BASE = "https://sso.test";
export const REDIRECT_URI = "https://app.example.com/callback";

/** A parsed response; `body` is the JSON document when there is one. */
export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** Sends a request to the worker (a path, or a full https://sso.test URL). */
export async function send(pathOrUrl: string, init: RequestInit = {}): Promise<Reply> {
  const url = pathOrUrl.startsWith("https://") ? pathOrUrl : `${BASE}${pathOrUrl}`;
  const response = await exports.default.fetch(url, { redirect: "manual", ...init });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  return {
    status: response.status,
    headers: response.headers,
    body: /json/.test(type) && text ? JSON.parse(text) : null,
    text,
  };
}

/** Calls the admin API with the root key and expects success. */
export async function admin(method: string, path: string, body?: unknown): Promise<Reply> {
  const headers: Record<string, string> = { authorization: `Bearer ${ROOT_KEY}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const reply = await send(`/api/v1/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(reply.status, reply.text).toBeLessThan(300);
  return reply;
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/** A PKCE pair (RFC 7636 §4.1, §4.2). */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  return { verifier, challenge };
}
