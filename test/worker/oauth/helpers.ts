/**
 * Helpers of the OpenID provider tests: everything goes through the worker's own entry
 * point (`exports.default.fetch`); the one shortcut is issuing a code with the org
 * object's `completeLogin`, exactly as the ACS does after verifying a response.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { Env } from "../../../src/env";
import { generateSpKeyPair } from "../../../src/crypto/sp-keys";
import { mintAuthorizationCode } from "../../../src/oauth";
import type { VerifiedIdentity } from "../../../src/store/org/login-types";
import { orgOp } from "../../../src/store/stores";
import { newOrgToken } from "../../../src/lib/ids";

/** The worker's bindings (typed by test/env.d.ts). */
export const workerEnv: Env = env;

export { admin, BASE, pkcePair, REDIRECT_URI, ROOT_KEY, send, type Reply } from "../worker-client";
import { admin, REDIRECT_URI, send, type Reply } from "../worker-client";

let certificate: Promise<string> | undefined;
/** An IdP certificate (real X.509), generated once per file. */
function idpCertificate(): Promise<string> {
  certificate ??= generateSpKeyPair({ commonName: "oauth test idp" }).then((pair) => pair.certificatePem);
  return certificate;
}

/** An org with one domain and an active SAML connection. */
export interface Tenant {
  orgId: string;
  connectionId: string;
  domain: string;
}

/** Creates an org (with a fresh domain) and an active SAML connection through the admin API. */
export async function createTenant(): Promise<Tenant> {
  const domain = `oauth-${crypto.randomUUID().slice(0, 8)}.example.com`;
  const org = await admin("POST", "organizations", { name: "OAuth Test Corp", domains: [domain] });
  const orgId = org.body.id as string;
  const connection = await admin("POST", `organizations/${orgId}/connections`, { type: "saml" });
  const connectionId = connection.body.id as string;
  await admin("POST", `organizations/${orgId}/connections/${connectionId}/idp-metadata`, {
    idpEntityId: "https://idp.example.com/entity",
    idpSsoUrl: "https://idp.example.com/sso",
    idpCertificate: await idpCertificate(),
  });
  await admin("POST", `organizations/${orgId}/connections/${connectionId}/activate`, {});
  return { orgId, connectionId, domain };
}

/** An OAuth client; `clientSecret` is null for a public one. */
export interface Client {
  clientId: string;
  clientSecret: string | null;
}

/** Registers a client with REDIRECT_URI (and a second URI) through the admin API. */
export async function createClient(options: { public?: boolean } = {}): Promise<Client> {
  const reply = await admin("POST", "clients", {
    name: "Test app",
    redirectUris: [REDIRECT_URI, "https://app.example.com/other"],
    public: options.public ?? false,
  });
  return { clientId: reply.body.clientId, clientSecret: reply.body.clientSecret };
}

/** What the authorization request asked for, as the ACS binds it to the code. */
export interface CodeOptions {
  clientId: string;
  redirectUri?: string;
  nonce?: string | null;
  codeChallenge?: string | null;
  /** Epoch ms; the default is the real 60 s lifetime. */
  expiresAt?: number;
  email?: string;
  /** The session the login opens (its ID tokens' `sid`); a fresh one by default. */
  sid?: string;
}

/** Completes a login in the org's object, as the ACS does, and returns the code. */
export async function issueCode(tenant: Tenant, options: CodeOptions): Promise<string> {
  const minted = await mintAuthorizationCode(tenant.orgId, Date.now());
  const email = options.email ?? `ada@${tenant.domain}`;
  // The same person logs in again: one IdP subject per email (a new subject for a known
  // email is refused as subject_mismatch).
  const identity: VerifiedIdentity = {
    subject: `nameid-${email}`,
    subjectIsTransient: false,
    email,
    emailVerified: true,
    firstName: "Ada",
    lastName: "Lovelace",
    groups: ["engineering"],
    roles: ["admin"],
    rawAttributes: { department: ["R&D"] },
  };
  const result = await orgOp(workerEnv, tenant.orgId, "completeLogin", {
    connectionId: tenant.connectionId,
    assertion: null,
    identity,
    target: {
      clientId: options.clientId,
      redirectUri: options.redirectUri ?? REDIRECT_URI,
      state: null,
      nonce: options.nonce ?? null,
      codeChallenge: options.codeChallenge ?? null,
      scope: "openid email profile",
    },
    codeHash: minted.codeHash,
    codeExpiresAt: options.expiresAt ?? minted.expiresAt,
    session: { sid: options.sid ?? newOrgToken(tenant.orgId), saml: null, expiresAt: Date.now() + 3_600_000 },
  });
  expect(result.ok, JSON.stringify(result)).toBe(true);
  return minted.code;
}

/** HTTP Basic credentials per RFC 6749 §2.3.1 (each part form-urlencoded first). */
export function basic(clientId: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, "+");
  return `Basic ${btoa(`${enc(clientId)}:${enc(secret)}`)}`;
}

/** POSTs a form to /oauth/token. */
export function tokenRequest(params: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
  return send("/oauth/token", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

/** Asserts an RFC 6749 §5.2 error: status, code, description and the no-store headers. */
export function expectOAuthError(reply: Reply, status: number, error: string, description?: RegExp): void {
  expect({ status: reply.status, error: reply.body?.error }, reply.text).toEqual({ status, error });
  expect(reply.headers.get("content-type")).toBe("application/json");
  expect(reply.headers.get("cache-control")).toBe("no-store");
  expect(reply.headers.get("pragma")).toBe("no-cache");
  expect(reply.body.error_description).toEqual(expect.any(String));
  if (description) expect(reply.body.error_description).toMatch(description);
  expect(Object.keys(reply.body).sort()).toEqual(["error", "error_description"]);
}
