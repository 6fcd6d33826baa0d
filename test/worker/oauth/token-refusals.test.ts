/**
 * SPEC §4 and §8: every refusal of POST /oauth/token, each an RFC 6749 §5.2 error with
 * no-store headers, never problem+json and never a 500. The description names the reason.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  basic,
  createClient,
  createTenant,
  expectOAuthError,
  issueCode,
  pkcePair,
  REDIRECT_URI,
  send,
  tokenRequest,
  type Client,
  type Tenant,
} from "./helpers";

let tenant: Tenant;
let confidential: Client;
let other: Client;
let publicClient: Client;

// Generous: the tenant's IdP certificate is an RSA key generated in workerd.
beforeAll(async () => {
  tenant = await createTenant();
  [confidential, other, publicClient] = await Promise.all([
    createClient(),
    createClient(),
    createClient({ public: true }),
  ]);
}, 60_000);

const grant = (code: string, extra: Record<string, string> = {}) => ({
  grant_type: "authorization_code",
  code,
  redirect_uri: REDIRECT_URI,
  ...extra,
});
const asBasic = (client: Client) => ({ authorization: basic(client.clientId, client.clientSecret!) });
const NOT_FOUND = /invalid, expired or already used/;

describe("the authorization code", () => {
  it("works once: a reused code is invalid_grant (RFC 6749 §4.1.2)", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    expect((await tokenRequest(grant(code), asBasic(confidential))).status).toBe(200);
    expectOAuthError(await tokenRequest(grant(code), asBasic(confidential)), 400, "invalid_grant", NOT_FOUND);
  });

  it("is redeemed once under concurrency", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    const replies = await Promise.all([1, 2, 3].map(() => tokenRequest(grant(code), asBasic(confidential))));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 400, 400]);
  });

  it("is bound to its client, and spent by the attempt of another (RFC 6749 §4.1.3)", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const stolen = await tokenRequest(grant(code), asBasic(other));
      // Client B learns nothing about the code: the answer is the one an unknown code gets.
      expectOAuthError(stolen, 400, "invalid_grant", NOT_FOUND);
      expect(stolen.text).not.toMatch(/another client|issued to|client_/);
      // The reason goes to the log only.
      const logged = warn.mock.calls.map((c) => String(c[0])).filter((line) => line.includes("oauth.token.refused"));
      expect(logged.map((line) => JSON.parse(line))).toContainEqual({
        event: "oauth.token.refused",
        reason: "code_client_mismatch",
        detail: `code issued to ${confidential.clientId}, presented by ${other.clientId}`,
      });
    } finally {
      warn.mockRestore();
    }
    expectOAuthError(await tokenRequest(grant(code), asBasic(confidential)), 400, "invalid_grant", NOT_FOUND);
  });

  it("is bound to the exact redirect_uri", async () => {
    const variants = [
      "https://app.example.com/other",
      "https://app.example.com/callback/",
      "https://APP.example.com/callback",
      "https://app.example.com/callback?x=1",
      "https://app.example.com/%63allback",
      "https://app.example.com/callbac",
    ];
    for (const redirect of variants) {
      const code = await issueCode(tenant, { clientId: confidential.clientId });
      expectOAuthError(
        await tokenRequest(grant(code, { redirect_uri: redirect }), asBasic(confidential)),
        400,
        "invalid_grant",
        /redirect_uri/,
      );
    }
  });

  it("expires (completeLogin with codeExpiresAt in the past)", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId, expiresAt: Date.now() - 1000 });
    expectOAuthError(await tokenRequest(grant(code), asBasic(confidential)), 400, "invalid_grant", NOT_FOUND);
  });

  it("refuses unknown and malformed codes", async () => {
    const unknown = `${tenant.orgId.slice(4)}.${"A".repeat(43)}`;
    expectOAuthError(await tokenRequest(grant(unknown), asBasic(confidential)), 400, "invalid_grant", NOT_FOUND);
    expectOAuthError(await tokenRequest(grant("garbage"), asBasic(confidential)), 400, "invalid_grant", NOT_FOUND);
  });
});

describe("PKCE (RFC 7636 §4.6)", () => {
  it("refuses a verifier that does not match", async () => {
    const { challenge } = await pkcePair();
    const { verifier: wrong } = await pkcePair();
    const code = await issueCode(tenant, { clientId: publicClient.clientId, codeChallenge: challenge });
    expectOAuthError(
      await tokenRequest(grant(code, { client_id: publicClient.clientId, code_verifier: wrong })),
      400,
      "invalid_grant",
      /does not match/,
    );
  });

  it("a refused redemption stores no access token, and leaves the code spent for the right verifier too", async () => {
    const { challenge, verifier } = await pkcePair();
    const { verifier: wrong } = await pkcePair();
    const code = await issueCode(tenant, { clientId: publicClient.clientId, codeChallenge: challenge });
    const tokens = () =>
      runInDurableObject(env.ORGS.get(env.ORGS.idFromName(tenant.orgId)), async (_o, state) => {
        return state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM access_tokens").one().n;
      });
    const before = await tokens();
    const attempt = (v: string) => tokenRequest(grant(code, { client_id: publicClient.clientId, code_verifier: v }));
    expectOAuthError(await attempt(wrong), 400, "invalid_grant", /does not match/);
    expect(await tokens()).toBe(before);
    // Consumed, checked and refused in one operation: the code is spent (RFC 6749 §4.1.2).
    expectOAuthError(await attempt(verifier), 400, "invalid_grant", NOT_FOUND);
    expect(await tokens()).toBe(before);
  });

  it("requires the verifier when the code has a challenge, from confidential clients too", async () => {
    const { challenge } = await pkcePair();
    const code = await issueCode(tenant, { clientId: confidential.clientId, codeChallenge: challenge });
    expectOAuthError(
      await tokenRequest(grant(code), asBasic(confidential)),
      400,
      "invalid_grant",
      /code_verifier is required/,
    );
  });

  it("refuses a verifier for a code issued without a challenge (downgrade)", async () => {
    const { verifier } = await pkcePair();
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    expectOAuthError(
      await tokenRequest(grant(code, { code_verifier: verifier }), asBasic(confidential)),
      400,
      "invalid_grant",
      /no code_challenge/,
    );
  });

  it("refuses a public client's code without PKCE", async () => {
    const code = await issueCode(tenant, { clientId: publicClient.clientId });
    expectOAuthError(
      await tokenRequest(grant(code, { client_id: publicClient.clientId })),
      400,
      "invalid_grant",
      /public client must use PKCE/,
    );
  });

  it("refuses a malformed verifier as invalid_request, before the code is spent", async () => {
    const { verifier, challenge } = await pkcePair();
    const code = await issueCode(tenant, { clientId: publicClient.clientId, codeChallenge: challenge });
    for (const bad of ["short", `${verifier}!`, "a".repeat(129)]) {
      expectOAuthError(
        await tokenRequest(grant(code, { client_id: publicClient.clientId, code_verifier: bad })),
        400,
        "invalid_request",
        /code_verifier/,
      );
    }
    expect(
      (await tokenRequest(grant(code, { client_id: publicClient.clientId, code_verifier: verifier }))).status,
    ).toBe(200);
  });
});

describe("client authentication (RFC 6749 §2.3, §3.2.1)", () => {
  it("refuses a wrong secret with 401 invalid_client, with a Basic challenge when Basic was used", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    const viaBasic = await tokenRequest(grant(code), { authorization: basic(confidential.clientId, "wrong-secret") });
    expectOAuthError(viaBasic, 401, "invalid_client", /Client authentication failed/);
    expect(viaBasic.headers.get("www-authenticate")).toMatch(/^Basic realm="edge-sso"/);
    const viaPost = await tokenRequest(
      grant(code, { client_id: confidential.clientId, client_secret: "wrong-secret" }),
    );
    expectOAuthError(viaPost, 401, "invalid_client");
    expect(viaPost.headers.get("www-authenticate")).toBeNull();
    // A refused client does not spend the code.
    expect((await tokenRequest(grant(code), asBasic(confidential))).status).toBe(200);
  });

  it("refuses an unknown client, a missing client and a confidential client without its secret", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    expectOAuthError(
      await tokenRequest(grant(code), { authorization: basic("client_unknown", "secret") }),
      401,
      "invalid_client",
    );
    expectOAuthError(await tokenRequest(grant(code, { client_id: "client_unknown" })), 401, "invalid_client");
    // No client at all: say what to send (it reveals nothing about any client).
    expectOAuthError(await tokenRequest(grant(code)), 401, "invalid_client", /^Client authentication is missing/);
    expectOAuthError(
      await tokenRequest(grant(code, { client_id: confidential.clientId })),
      401,
      "invalid_client",
      /^Client authentication failed/,
    );
  });

  it("refuses a public client that sends a secret", async () => {
    const code = await issueCode(tenant, { clientId: publicClient.clientId });
    expectOAuthError(
      await tokenRequest(grant(code, { client_id: publicClient.clientId, client_secret: "anything" })),
      401,
      "invalid_client",
    );
  });

  it("refuses malformed Basic credentials", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    for (const header of ["Basic !!!", "Basic " + btoa("no-colon"), "Basic " + btoa(":secret"), "Bearer abc"]) {
      const reply = await tokenRequest(grant(code), { authorization: header });
      expectOAuthError(reply, 401, "invalid_client");
      expect(reply.headers.get("www-authenticate")).toMatch(/^Basic/);
    }
  });

  it("refuses two authentication methods at once, and a form client_id that contradicts Basic", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    expectOAuthError(
      await tokenRequest(grant(code, { client_secret: confidential.clientSecret! }), asBasic(confidential)),
      400,
      "invalid_request",
      /exactly one client authentication/,
    );
    expectOAuthError(
      await tokenRequest(grant(code, { client_id: other.clientId }), asBasic(confidential)),
      400,
      "invalid_request",
      /client_id/,
    );
  });
});

describe("the request itself", () => {
  it("refuses an unsupported or missing grant_type", async () => {
    expectOAuthError(
      await tokenRequest({ grant_type: "client_credentials" }, asBasic(confidential)),
      400,
      "unsupported_grant_type",
    );
    expectOAuthError(
      await tokenRequest({ grant_type: "refresh_token", refresh_token: "x" }, asBasic(confidential)),
      400,
      "unsupported_grant_type",
    );
    expectOAuthError(
      await tokenRequest({ code: "x", redirect_uri: REDIRECT_URI }, asBasic(confidential)),
      400,
      "invalid_request",
      /^grant_type is missing/,
    );
  });

  it("refuses missing code or redirect_uri, and repeated parameters (RFC 6749 §3.2)", async () => {
    // error_description names the missing parameter (issue 16 item 7; RFC 6749 §5.2 allows it).
    expectOAuthError(
      await tokenRequest({ grant_type: "authorization_code", redirect_uri: REDIRECT_URI }, asBasic(confidential)),
      400,
      "invalid_request",
      /^code is missing/,
    );
    expectOAuthError(
      await tokenRequest({ grant_type: "authorization_code", code: "x" }, asBasic(confidential)),
      400,
      "invalid_request",
      /^redirect_uri is missing/,
    );
    const reply = await send("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...asBasic(confidential) },
      body: `grant_type=authorization_code&code=a&code=b&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
    });
    expectOAuthError(reply, 400, "invalid_request", /^code appears more than once/);
  });

  it("refuses any content type but application/x-www-form-urlencoded with invalid_request, never problem+json", async () => {
    const bodies: Array<[string | null, string]> = [
      ["application/json", JSON.stringify({ grant_type: "authorization_code" })],
      ["text/plain", "grant_type=authorization_code"],
      ["multipart/form-data; boundary=x", "--x--"],
      [null, "grant_type=authorization_code"],
    ];
    for (const [type, body] of bodies) {
      const headers: Record<string, string> = type ? { "content-type": type } : {};
      const reply = await send("/oauth/token", { method: "POST", headers, body });
      expectOAuthError(reply, 400, "invalid_request", /x-www-form-urlencoded/);
    }
  });

  it("accepts a charset parameter on the content type", async () => {
    const code = await issueCode(tenant, { clientId: confidential.clientId });
    const reply = await send("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8", ...asBasic(confidential) },
      body: new URLSearchParams(grant(code)).toString(),
    });
    expect(reply.status, reply.text).toBe(200);
  });

  it("refuses an oversized body and invalid UTF-8 with invalid_request", async () => {
    expectOAuthError(
      await tokenRequest({ grant_type: "authorization_code", padding: "x".repeat(20_000) }),
      400,
      "invalid_request",
      /too large/,
    );
    const reply = await send("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new Uint8Array([0x67, 0xff, 0xfe]),
    });
    expectOAuthError(reply, 400, "invalid_request", /UTF-8/);
  });
});
