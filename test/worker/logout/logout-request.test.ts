/**
 * SPEC §9: an IdP's LogoutRequest ends sessions only when a configured IdP certificate
 * signed it — enveloped in the HTTP-POST binding, over the query string in the
 * HTTP-Redirect binding (SAML bindings 3.4.4.1). The messages come from the dev IdP
 * (tools/dev-idp), signed by xmlsec1 (POST) and Node's crypto (Redirect).
 */
import { describe, expect, inject, it } from "vitest";
import { verifyLogoutRequest, type LogoutMessagePolicy } from "../../../src/saml/verify-logout-request";

const idp = inject("devIdp");
const SLO_URL = "https://sso.test/saml/conn_logout/slo";
const policy: LogoutMessagePolicy = {
  idpEntityId: idp.entityId,
  idpCertificates: [idp.certificatePem],
  sloUrl: SLO_URL,
  allowSha1: false,
  clockSkewSeconds: 60,
};

interface Signed {
  id: string;
  xml: string;
  form?: string;
  query?: string;
}

async function logoutRequest(binding: "post" | "redirect", extra: Record<string, unknown> = {}): Promise<Signed> {
  const response = await fetch(`${idp.url}/slo/sign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      kind: "request",
      binding,
      destination: SLO_URL,
      nameId: "jane@example.com",
      sessionIndexes: ["_session-1"],
      relayState: "rs-1",
      ...extra,
    }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Signed;
}

function verify(binding: "post" | "redirect", signed: Signed, options: { now?: Date; query?: string } = {}) {
  const query = options.query ?? signed.query ?? "";
  const samlRequest =
    binding === "post" ? signed.form! : decodeURIComponent(/(?:^|&)SAMLRequest=([^&]*)/.exec(query)?.[1] ?? "");
  return verifyLogoutRequest({ binding, samlRequest, rawQuery: query, policy, now: options.now ?? new Date() });
}

async function reason(binding: "post" | "redirect", signed: Signed, options?: { now?: Date; query?: string }) {
  const result = await verify(binding, signed, options);
  return result.ok ? "accepted" : result.error.code;
}

describe.each(["post", "redirect"] as const)("LogoutRequest, HTTP-%s binding", (binding) => {
  it("accepts one the IdP signed and reads who and which session it names", async () => {
    const signed = await logoutRequest(binding);
    const result = await verify(binding, signed);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      id: signed.id,
      nameId: "jane@example.com",
      nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
      sessionIndexes: ["_session-1"],
    });
    expect(result.value.replayCacheUntil).toBeGreaterThan(Date.now());
  });

  it("refuses an unsigned one", async () => {
    expect(await reason(binding, await logoutRequest(binding, { sign: false }))).toBe("unsigned");
  });

  it("refuses one signed by a key the connection does not trust (another connection's IdP)", async () => {
    expect(await reason(binding, await logoutRequest(binding, { signWith: "rogue" }))).toBe("signature_invalid");
  });

  it("refuses another issuer, another destination and a stale request", async () => {
    expect(await reason(binding, await logoutRequest(binding, { issuer: "https://other-idp.example" }))).toBe(
      "issuer_mismatch",
    );
    expect(await reason(binding, await logoutRequest(binding, { destination: "https://evil.example/slo" }))).toBe(
      "destination_mismatch",
    );
    const later = new Date(Date.now() + 10 * 60_000);
    expect(await reason(binding, await logoutRequest(binding), { now: later })).toBe("expired");
  });
});

describe("HTTP-Redirect signatures cover the query string's raw octets", () => {
  it("a changed RelayState or a dropped SigAlg breaks the signature", async () => {
    const signed = await logoutRequest("redirect");
    const query = signed.query!;
    expect(await reason("redirect", signed, { query: query.replace("RelayState=rs-1", "RelayState=rs-2") })).toBe(
      "signature_invalid",
    );
    expect(await reason("redirect", signed, { query: query.replace(/&SigAlg=[^&]*/, "") })).toBe("unsigned");
    // SHA-1 is refused unless the connection allows it (SPEC §5).
    const sha1 = query.replace(
      /SigAlg=[^&]*/,
      `SigAlg=${encodeURIComponent("http://www.w3.org/2000/09/xmldsig#rsa-sha1")}`,
    );
    expect(await reason("redirect", signed, { query: sha1 })).toBe("unsupported_algorithm");
  });

  it("a tampered POST message fails its digest", async () => {
    const signed = await logoutRequest("post");
    const tampered = signed.xml.replace("jane@example.com", "admin@example.com");
    const form = btoa(String.fromCharCode(...new TextEncoder().encode(tampered)));
    expect(await reason("post", { ...signed, form })).toBe("digest_mismatch");
  });
});
