import { describe, expect, inject, it } from "vitest";
import { webhookBody } from "../../../src/webhooks/fan-out";
import { authorizeUrl, fetchWorker } from "../flow/flow-helpers";
import {
  createOrg,
  createSamlConnection,
  expectProblem,
  expectStatus,
  get,
  mintKey,
  patch,
  post,
  uniqueDomain,
} from "./helpers";

/**
 * Issue 10 hole 4: outbound failures are no port-scan oracle. A loopback port that accepts
 * TCP and answers no HTTP (open) and one nothing listens on (closed): an org-scoped key gets
 * the same text for both (one text per host: only the port in it differs); an app-wide key
 * gets the detail (SPEC §2 "Access").
 */
const { openPort, closedPort } = inject("outboundProbe");
const ports = { open: openPort, closed: closedPort };
/** The text with the probe's port replaced, so open and closed compare equal when they say the same. */
const samePort = (text: string, port: number) => text.replaceAll(`:${port}`, ":PORT");

describe("outbound failures are no port-scan oracle", () => {
  it("idp-metadata {metadataUrl}: one text for an open and a closed port to an org-scoped key", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id);
    const { key } = await mintKey(`organization:${org.id}`);
    const path = `organizations/${org.id}/connections/${c.id}/idp-metadata`;
    const scoped: Record<string, string> = {};
    const appWide: Record<string, string> = {};
    for (const [state, port] of Object.entries(ports)) {
      const metadataUrl = `http://127.0.0.1:${port}/metadata.xml`;
      const forCustomer = await post(path, { metadataUrl }, { key });
      expectProblem(forCustomer, 400, "validation_failed");
      expect(forCustomer.body.errors).toEqual([
        { path: "metadataUrl", message: `127.0.0.1:${port} could not be reached` },
      ]);
      scoped[state] = samePort(forCustomer.text, port);
      const forApp = await post(path, { metadataUrl });
      expectProblem(forApp, 400, "validation_failed");
      appWide[state] = forApp.body.errors[0].message;
    }
    expect(scoped.open).toBe(scoped.closed);
    // The app-wide key is told what happened, in plain words, never workerd's internal id.
    for (const message of Object.values(appWide)) {
      expect(message).not.toMatch(/could not be reached|reference\s*=/i);
      expect(message.length).toBeGreaterThan(5);
    }
  });

  it("OIDC discovery at activation: one text to an org-scoped key, the detail to an app-wide key", async () => {
    const org = await createOrg();
    const { key } = await mintKey(`organization:${org.id}`);
    const scoped: Record<string, string> = {};
    for (const [state, port] of Object.entries(ports)) {
      const issuer = `http://127.0.0.1:${port}/oidc`;
      const created = await post(`organizations/${org.id}/connections`, {
        type: "oidc",
        oidc: { issuer, clientId: "a", clientSecret: "b" },
      });
      expectStatus(created, 201);
      const activate = `organizations/${org.id}/connections/${created.body.id}/activate`;
      const forCustomer = await post(activate, {}, { key });
      expectProblem(forCustomer, 409, "connection_incomplete");
      expect(forCustomer.body.errors).toEqual([
        { path: "oidc.issuer", message: `discovery at ${issuer} failed: 127.0.0.1:${port} could not be reached` },
      ]);
      scoped[state] = samePort(forCustomer.text, port);
      const forApp = await post(activate);
      expect(forApp.body.errors[0].message).toMatch(new RegExp(`^discovery at ${issuer} failed: no answer: \\w`));
    }
    expect(scoped.open).toBe(scoped.closed);
  });

  it("an OIDC login whose IdP does not answer: the audit log's detail per audience, and webhooks get the generic one", async () => {
    const server = inject("metadataServerUrl");
    const domain = uniqueDomain("oracle");
    const org = await createOrg({ domains: [domain] });
    const client = await post("clients", { name: "App", redirectUris: ["https://app.example.com/callback"] });
    const conn = await post(`organizations/${org.id}/connections`, {
      type: "oidc",
      oidc: { issuer: `${server}/oidc`, clientId: "a", clientSecret: "b" },
    });
    expectStatus(await post(`organizations/${org.id}/connections/${conn.body.id}/activate`), 200);
    const { key } = await mintKey(`organization:${org.id}`);
    const scoped: Record<string, string> = {};
    for (const [state, port] of Object.entries(ports)) {
      // Move the live connection to the probe: the next login runs discovery there.
      const moved = await patch(`organizations/${org.id}/connections/${conn.body.id}`, {
        oidc: { issuer: `http://127.0.0.1:${port}/oidc` },
      });
      expectStatus(moved, 200);
      const page = await fetchWorker(
        authorizeUrl(
          { clientId: client.body.clientId },
          { redirect_uri: "https://app.example.com/callback", login_hint: `jane@${domain}` },
        ),
      );
      const html = await page.text();
      const referenceId = /ref_[0-9a-z]{16}/.exec(html)?.[0];
      expect(referenceId, html).toBeDefined();
      const query = `organizations/${org.id}/events?referenceId=${referenceId}`;
      const [forCustomer] = (await get(query, { key })).body.data;
      expect(forCustomer.data).toEqual({
        referenceId,
        reason: "idp_unreachable",
        detail: `discovery at http://127.0.0.1:${port}/oidc failed: 127.0.0.1:${port} could not be reached`,
      });
      scoped[state] = samePort(JSON.stringify(forCustomer.data.detail), port);
      const [forApp] = (await get(query)).body.data;
      expect(forApp.data.outboundDetail).toMatch(/failed: no answer: \w/);
      // A webhook receiver reads what the org-scoped key reads.
      expect(JSON.parse(webhookBody(forApp)).data).toEqual(forCustomer.data);
    }
    expect(scoped.open).toBe(scoped.closed);
  });
});
