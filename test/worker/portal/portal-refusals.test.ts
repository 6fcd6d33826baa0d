/** SPEC §2 `setup-links` and §9: what a link may not do, and the plain-words validation errors. */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { x509 } from "../../../src/crypto/x509";
import { guardConnectionRoute } from "../../../src/admin/connections/guard";
import type { RouteContext } from "../../../src/http/route";
import { createSamlConnection, del, get, idpMetadataXml, orgEvents, post } from "../admin/helpers";
import { chooseIdp, linkRow, newLink, open, page, rows, submit, type Link } from "./portal-helpers";

const idp = inject("devIdp");

async function expectPage(response: Response, status: number, not: string[] = []) {
  const html = await response.text();
  expect(response.status, html).toBe(status);
  expect(response.headers.get("cache-control")).toBe("no-store");
  for (const text of not) expect(html).not.toContain(text);
  return html;
}

/** A self-signed certificate that expired on 1 March 2024. */
async function expiredCertificatePem(): Promise<string> {
  const alg = {
    name: "RSASSA-PKCS1-v1_5",
    hash: "SHA-256",
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = (await crypto.subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=Old IdP",
    notBefore: new Date("2023-03-01T00:00:00Z"),
    notAfter: new Date("2024-03-01T00:00:00Z"),
    keys,
    signingAlgorithm: alg,
  });
  return cert.toString("pem");
}

async function orgOpAs(link: Link, op: string, input: unknown) {
  const stub = env.ORGS.get(env.ORGS.idFromName(link.orgId));
  return stub.run(op as never, input as never, `setup_link:${link.linkId}`, Date.now());
}

describe("setup links refused", () => {
  it("answers 404 for a malformed or guessed token and 410 for an ended link, showing no org data", async () => {
    const link = await newLink();
    const guessed = `${link.token.split(".")[0]}.${"A".repeat(43)}`;
    for (const path of ["/setup/nonsense", `/setup/${guessed}`, `/setup/${link.token}x`])
      await expectPage(await page(path), 404, ["Portal Test Corp"]);
    // Expired.
    await runInDurableObject(env.ORGS.get(env.ORGS.idFromName(link.orgId)), async (_i, state) => {
      state.storage.sql.exec("UPDATE setup_links SET expires_at = ? WHERE id = ?", Date.now() - 1, link.linkId);
    });
    expect(await expectPage(await page(link.path), 410, ["Portal Test Corp"])).toContain("expired");
    // Revoked: forms are refused too, and change nothing.
    const revoked = await newLink();
    const { csrf } = await open(revoked);
    expect((await del(`organizations/${revoked.orgId}/setup-links/${revoked.linkId}`)).status).toBe(204);
    expect(await expectPage(await page(revoked.path), 410, ["Portal Test Corp"])).toContain("revoked");
    await expectPage(await submit(revoked, "/provider", { provider: "okta" }, { csrf }), 410);
    expect(await rows(revoked.orgId, "connections")).toEqual([]);
  });

  it("has no working link while the org's SSO is disallowed", async () => {
    const link = await newLink();
    const { csrf } = await open(link);
    await post(`organizations/${link.orgId}/disallow_sso`);
    await expectPage(await page(link.path), 410, ["Portal Test Corp"]);
    await expectPage(await submit(link, "/provider", { provider: "okta" }, { csrf }), 410);
    await post(`organizations/${link.orgId}/allow_sso`);
    await expectPage(await page(link.path), 410);
  });

  it("refuses a form without the link's CSRF token, or from another origin", async () => {
    const link = await newLink();
    await expectPage(await submit(link, "/provider", { provider: "okta" }, { csrf: null }), 403);
    await expectPage(await submit(link, "/provider", { provider: "okta" }, { csrf: "wrong" }), 403);
    const other = await newLink();
    const { csrf: othersCsrf } = await open(other);
    await expectPage(await submit(link, "/provider", { provider: "okta" }, { csrf: othersCsrf }), 403);
    const { csrf } = await open(link);
    const crossSite = await page(`${link.path}/provider`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: new URLSearchParams({ csrf, provider: "okta" }).toString(),
    });
    await expectPage(crossSite, 403);
    expect(await rows(link.orgId, "connections")).toEqual([]);
  });

  it("cannot change another connection of the org, nor an active one", async () => {
    const link = await newLink();
    const own = await chooseIdp(link);
    const other = await createSamlConnection(link.orgId);
    const patch = { id: other.id, name: "hijacked", setupLinkId: link.linkId };
    const refused = (await orgOpAs(link, "updateConnection", patch)) as { ok: boolean; error?: { status: number } };
    expect(refused).toMatchObject({ ok: false, error: { status: 403 } });
    expect((await get(`organizations/${link.orgId}/connections/${other.id}`)).body.name).not.toBe("hijacked");
    // Nor activate it through the portal op.
    const activation = await orgOpAs(link, "activateSetupConnection", {
      linkId: link.linkId,
      id: other.id,
      expectedUpdatedAt: other.updatedAt,
    });
    expect(activation).toMatchObject({ ok: false, error: { status: 403 } });
    // The guard keeps the link's actor to its org and its one connection.
    const ctx = (params: Record<string, string>) =>
      ({
        env,
        params,
        actor: { kind: "setup_link", id: link.linkId, organizationId: link.orgId, connectionId: own },
      }) as unknown as RouteContext<unknown, unknown, { orgId: string }>;
    await expect(guardConnectionRoute(ctx({ orgId: link.orgId, connId: other.id }), true)).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      guardConnectionRoute(ctx({ orgId: "org_01m8t1zzzzzzzzzzzzzzzzzzzz", connId: own }), true),
    ).rejects.toMatchObject({ status: 403 });
    // Once its own connection is live (an admin activated it), the link cannot change it.
    await submit(link, "/idp", { method: "xml", metadataXml: idp.metadataXml });
    expect((await post(`organizations/${link.orgId}/connections/${own}/activate`)).status).toBe(200);
    const live = (await orgOpAs(link, "updateConnection", { id: own, name: "changed", setupLinkId: link.linkId })) as {
      ok: boolean;
    };
    expect(live.ok).toBe(false);
    expect(await (await page(link.path)).text()).toContain("Single sign-on is live.");
  });

  it("never touches domains, activeSso or app-wide fields", async () => {
    const link = await newLink();
    const connectionId = await chooseIdp(link);
    const response = await submit(link, "/idp", {
      method: "xml",
      metadataXml: idp.metadataXml,
      domains: "evil.example.com",
      allowAnyEmailDomain: "true",
      activeSso: "saml",
    });
    expect(response.status).toBe(303);
    const connection = (await get(`organizations/${link.orgId}/connections/${connectionId}`)).body;
    expect(connection).toMatchObject({ domains: [], allowAnyEmailDomain: false, idpInitiatedClientId: null });
    const org = (await get(`organizations/${link.orgId}`)).body;
    expect(org).toMatchObject({ domains: [link.domain], activeSso: "none" });
    // No route of the portal reaches the org or its SSO settings.
    for (const path of ["/domains", "/sso", "/allow_sso"]) expect((await submit(link, path, {})).status).toBe(404);
  });

  it("records every use under actor setup_link:{id}, and the token in no event", async () => {
    const link = await newLink();
    await chooseIdp(link);
    await submit(link, "/idp", { method: "xml", metadataXml: idp.metadataXml });
    const events = await orgEvents(link.orgId);
    const byLink = events.filter((e) => e.actor === `setup_link:${link.linkId}`).map((e) => e.type);
    expect(byLink).toEqual(expect.arrayContaining(["connection.created", "connection.updated"]));
    expect(JSON.stringify(events)).not.toContain(link.token.split(".")[1]);
    expect((await linkRow(link)).token_hash).not.toContain(link.token.split(".")[1]);
  });
});

describe("plain-words validation errors next to the field", () => {
  async function refusal(link: Link, fields: Record<string, string>, field: string): Promise<string> {
    const response = await submit(link, "/idp", fields);
    const html = await response.text();
    expect(response.status, html).toBe(400);
    const match = new RegExp(
      `id="f-${field}"[^>]*aria-invalid="true"[\\s\\S]*?<p class="error" id="f-${field}-error" role="alert">([^<]+)</p>`,
    ).exec(html);
    expect(match, html).not.toBeNull();
    return match![1]!;
  }

  it("an expired certificate, with its date", async () => {
    const link = await newLink();
    await chooseIdp(link);
    const pem = await expiredCertificatePem();
    const words = await refusal(
      link,
      { method: "fields", idpSsoUrl: idp.ssoUrl, idpCertificate: pem },
      "idpCertificate",
    );
    expect(words).toContain("expired on 1 March 2024");
    const xml = await refusal(
      link,
      { method: "xml", metadataXml: idpMetadataXml("https://old.example/idp", pem) },
      "metadataXml",
    );
    expect(xml).toContain("expired on 1 March 2024");
  });

  it("SP metadata given instead of IdP metadata", async () => {
    const link = await newLink();
    const connectionId = await chooseIdp(link);
    const spXml = await (await page(`/saml/${connectionId}/metadata`)).text();
    const words = await refusal(link, { method: "xml", metadataXml: spXml }, "metadataXml");
    expect(words).toContain("This is service provider (SP) metadata");
  });

  it("metadata without an HTTP-POST or HTTP-Redirect SSO endpoint", async () => {
    const link = await newLink();
    await chooseIdp(link);
    const soapOnly = idp.metadataXml.replace(
      /urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-(POST|Redirect)(?="[^>]*SingleSignOnService|"\s+Location)/g,
      "urn:oasis:names:tc:SAML:2.0:bindings:SOAP",
    );
    const xml = soapOnly.replace(
      /<(\w+:)?SingleSignOnService[^>]*Binding="urn:oasis:names:tc:SAML:2\.0:bindings:HTTP-(POST|Redirect)"[^>]*\/>/g,
      "",
    );
    const words = await refusal(link, { method: "xml", metadataXml: xml }, "metadataXml");
    expect(words).toContain("no sign-in endpoint a browser can use");
    expect(words).toContain("HTTP-POST or HTTP-Redirect");
  });

  it("a metadata URL that doesn't answer, in one generic text per host", async () => {
    const link = await newLink();
    await chooseIdp(link);
    const words = await refusal(link, { method: "url", metadataUrl: "http://127.0.0.1:9/metadata" }, "metadataUrl");
    expect(words).toContain("The metadata URL did not answer: 127.0.0.1:9 could not be reached.");
    expect(words).not.toMatch(/ECONNREFUSED|connect|refused/i);
    const missing = await refusal(link, { method: "url", metadataUrl: `${idp.url}/nothing-here` }, "metadataUrl");
    expect(missing).toContain("answered HTTP 404");
  });
});
