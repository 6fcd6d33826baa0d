/** The pure checks of the token endpoint: reasons asserted directly, RFC vectors as tables. */
import { describe, expect, it } from "vitest";
import { checkClientAuth } from "../../../src/oauth/check-client-auth";
import { checkPkce, isCodeVerifier, s256Challenge } from "../../../src/oauth/check-pkce";
import { isRegisteredRedirectUri } from "../../../src/oauth/check-redirect-uri";
import { publicTokenError, type TokenRefusal } from "../../../src/oauth/oauth-error";
import { parseBasicCredentials, readClientCredentials } from "../../../src/oauth/read-client-credentials";
import { parseTokenRequest } from "../../../src/oauth/read-token-request";
import type { ClientRecord } from "../../../src/store/app/client-ops";

const reasonOf = (result: { ok: boolean; reason?: unknown }) => (result.ok ? "ok" : result.reason);

describe("PKCE (RFC 7636)", () => {
  it("computes the Appendix B S256 vector", async () => {
    expect(await s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it.each([
    ["a".repeat(43), true],
    ["a".repeat(128), true],
    ["A-._~z9".padEnd(50, "x"), true],
    ["a".repeat(42), false],
    ["a".repeat(129), false],
    [`${"a".repeat(42)}+`, false],
    [`${"a".repeat(42)}/`, false],
    [`${"a".repeat(42)}=`, false],
  ])("isCodeVerifier(%s) is %s (§4.1)", (value, expected) => {
    expect(isCodeVerifier(value)).toBe(expected);
  });

  const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
  it.each<[string | null, string | null, boolean, TokenRefusal | "ok"]>([
    [challenge, verifier, false, "ok"],
    [challenge, verifier, true, "ok"],
    [null, null, false, "ok"],
    [challenge, null, false, "pkce_verifier_missing"],
    [challenge, "x".repeat(43), true, "pkce_mismatch"],
    [challenge.toLowerCase(), verifier, true, "pkce_mismatch"],
    [null, verifier, false, "pkce_verifier_unexpected"],
    [null, null, true, "public_client_without_pkce"],
    [challenge, "short", false, "malformed_code_verifier"],
  ])("challenge %s, verifier %s, public %s -> %s", async (codeChallenge, codeVerifier, publicClient, expected) => {
    expect(reasonOf(await checkPkce({ codeChallenge, codeVerifier, publicClient }))).toBe(expected);
  });
});

describe("redirect URI matching (simple string comparison, RFC 9700 §4.1.3)", () => {
  const registered = ["https://app.example.com/callback"];
  it.each([
    ["https://app.example.com/callback", true],
    ["https://app.example.com/callback/", false],
    ["https://app.example.com/callbackx", false],
    ["https://app.example.com/call", false],
    ["https://APP.example.com/callback", false],
    ["https://app.example.com/%63allback", false],
    ["https://app.example.com:443/callback", false],
    ["https://app.example.com/callback?next=/", false],
    ["https://app.example.com/callback#x", false],
    ["http://app.example.com/callback", false],
    ["https://app.example.com.evil.com/callback", false],
    ["https://evil.com/https://app.example.com/callback", false],
  ])("%s -> %s", (uri, expected) => {
    expect(isRegisteredRedirectUri(registered, uri)).toBe(expected);
  });
});

describe("client credentials (RFC 6749 §2.3.1)", () => {
  it("decodes the §2.3.1 example and form-urlencoded parts", () => {
    expect(parseBasicCredentials("Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3")).toEqual({
      clientId: "s6BhdRkqt3",
      secret: "7Fjfp0ZBr1KtDRbnfVdmIw",
    });
    expect(parseBasicCredentials(`basic ${btoa("my%3Aclient:a+b%3Ac%25")}`)).toEqual({
      clientId: "my:client",
      secret: "a b:c%",
    });
  });

  it.each([
    "Basic",
    "Basic !!",
    `Basic ${btoa("nocolon")}`,
    `Basic ${btoa(":s")}`,
    `Basic ${btoa("c:")}`,
    `Basic ${btoa("c:%zz")}`,
    "Bearer x",
  ])("refuses %s", (header) => {
    expect(parseBasicCredentials(header)).toBeNull();
  });

  it.each<[string | null, string | null, string | null, string]>([
    ["Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3", null, null, "client_secret_basic"],
    ["Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3", "s6BhdRkqt3", null, "client_secret_basic"],
    ["Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3", "other", null, "client_id_mismatch"],
    ["Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3", "s6BhdRkqt3", "secret", "multiple_client_auth"],
    ["Basic !!", null, null, "malformed_basic_auth"],
    [null, "c", "s", "client_secret_post"],
    [null, "c", null, "none"],
    [null, null, "s", "missing_client_id"],
    [null, null, null, "missing_client_id"],
  ])("authorization %s, client_id %s, client_secret %s -> %s", (authorization, clientId, clientSecret, expected) => {
    const result = readClientCredentials({ authorization, clientId, clientSecret });
    expect(result.ok ? result.value.method : result.reason).toBe(expected);
  });

  const client = (overrides: Partial<ClientRecord> = {}): ClientRecord => ({
    clientId: "client_a",
    name: "A",
    redirectUris: [],
    postLogoutRedirectUris: [],
    allowedOrigins: [],
    public: false,
    backchannelLogoutUri: null,
    secretHash: "ab".repeat(32),
    createdAt: "",
    updatedAt: "",
    ...overrides,
  });
  it.each<[string, ClientRecord | null, "client_secret_basic" | "client_secret_post" | "none", string | null, string]>([
    ["matching secret", client(), "client_secret_basic", "ab".repeat(32), "ok"],
    ["wrong secret", client(), "client_secret_post", "cd".repeat(32), "secret_mismatch"],
    ["no secret", client(), "none", null, "secret_required"],
    ["unknown client", null, "client_secret_basic", "ab".repeat(32), "unknown_client"],
    ["public, no secret", client({ public: true, secretHash: null }), "none", null, "ok"],
    [
      "public with a secret",
      client({ public: true, secretHash: null }),
      "client_secret_post",
      "ab".repeat(32),
      "public_client_sent_secret",
    ],
    [
      "confidential without a stored hash",
      client({ secretHash: null }),
      "client_secret_basic",
      "ab".repeat(32),
      "secret_mismatch",
    ],
  ])("%s -> %s", (_name, record, method, presentedSecretHash, expected) => {
    const credentials = { method, clientId: "client_a", secret: method === "none" ? null : "s" };
    expect(reasonOf(checkClientAuth({ credentials, client: record, presentedSecretHash }))).toBe(expected);
  });
});

describe("token request parameters (RFC 6749 §4.1.3)", () => {
  it.each<[string, string]>([
    ["grant_type=authorization_code&code=c&redirect_uri=r", "ok"],
    ["grant_type=authorization_code&code=c&redirect_uri=r&unknown=1", "ok"],
    ["code=c&redirect_uri=r", "missing_parameter"],
    ["grant_type=&code=c&redirect_uri=r", "missing_parameter"],
    ["grant_type=password&code=c&redirect_uri=r", "unsupported_grant_type"],
    ["grant_type=authorization_code&redirect_uri=r", "missing_parameter"],
    ["grant_type=authorization_code&code=c", "missing_parameter"],
    ["grant_type=authorization_code&code=c&code=d&redirect_uri=r", "duplicate_parameter"],
    ["grant_type=authorization_code&code=c&redirect_uri=r&code_verifier=abc", "malformed_code_verifier"],
  ])("%s -> %s", (body, expected) => {
    expect(reasonOf(parseTokenRequest(new URLSearchParams(body), null))).toBe(expected);
  });
});

describe("the public error of each reason (RFC 6749 §5.2)", () => {
  it.each<[TokenRefusal, string, number]>([
    ["wrong_content_type", "invalid_request", 400],
    ["multiple_client_auth", "invalid_request", 400],
    ["unsupported_grant_type", "unsupported_grant_type", 400],
    ["unknown_client", "invalid_client", 401],
    ["secret_mismatch", "invalid_client", 401],
    ["code_not_found", "invalid_grant", 400],
    ["pkce_mismatch", "invalid_grant", 400],
    ["redirect_uri_mismatch", "invalid_grant", 400],
    ["internal_error", "server_error", 500],
  ])("%s -> %s %i", (reason, code, status) => {
    expect(publicTokenError(reason)).toMatchObject({ code, status });
  });

  it("does not tell an unknown client from a wrong secret", () => {
    expect(publicTokenError("unknown_client")).toEqual(publicTokenError("secret_mismatch"));
  });
});
