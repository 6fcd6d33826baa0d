/**
 * Helpers of the metadata refresh tests (SPEC §9): a SAML connection configured from a feed
 * of the rotating IdP (test/setup/rotating-idp.ts), its feed switched between the old
 * certificate, both and the new one, the org's alarm run with an injected clock, and logins
 * signed by xmlsec1 with the old or the new key.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect, inject } from "vitest";
import type { MetadataRefreshView } from "../../../src/connections/connection-schema";
import type { OrganizationStore } from "../../../src/store/organization-store";
import { eventually, expectStatus, get, orgEvents, post, type AuditEventJson } from "../admin/helpers";
import { authorizeUrl, failureReason, postAcs, REDIRECT_URI, startLogin } from "../flow/flow-helpers";

export type FeedMode = "old" | "both" | "new" | "500" | "garbage" | "sp" | "no-certs" | "reset" | "redirect-private";

export interface RotatingConnection {
  orgId: string;
  connectionId: string;
  clientId: string;
  domain: string;
  acsUrl: string;
  entityId: string;
  feed: string;
  metadataUrl: string;
}

let counter = 0;

/** A feed of its own for a test: its metadata URL, and a switch for what it publishes. */
export function feedUrl(name: string): string {
  return `${inject("rotatingIdp").feedsUrl}/${name}/metadata.xml`;
}

export async function setFeed(
  feed: string,
  mode: FeedMode,
  extra: { validUntil?: string; cacheDuration?: string } = {},
): Promise<void> {
  const response = await fetch(`${inject("rotatingIdp").feedsUrl}/${feed}/mode`, {
    method: "POST",
    body: JSON.stringify({ mode, ...extra }),
  });
  expect(response.status).toBe(204);
}

/** The metadata requests the feed answered, with the conditional headers each carried. */
export async function feedLog(
  feed: string,
): Promise<{ ifNoneMatch: string | null; ifModifiedSince: string | null; status: number }[]> {
  return (await fetch(`${inject("rotatingIdp").feedsUrl}/${feed}/log`)).json();
}

/** A client, an org and an active SAML connection imported from a fresh feed publishing `mode`. */
export async function rotatingConnection(mode: FeedMode = "old", state: "active" | "draft" = "active") {
  const feed = `feed-${++counter}-${crypto.randomUUID().slice(0, 8)}`;
  await setFeed(feed, mode);
  const domain = `rot${counter}-${crypto.randomUUID().slice(0, 8)}.example.org`;
  const client = await post("clients", { name: "App", redirectUris: [REDIRECT_URI] });
  expectStatus(client, 201);
  const org = await post("organizations", { name: "Rotating Org", domains: [domain] });
  expectStatus(org, 201);
  const conn = await post(`organizations/${org.body.id}/connections`, { type: "saml", saml: {} });
  expectStatus(conn, 201);
  const metadataUrl = feedUrl(feed);
  const imported = await post(`organizations/${org.body.id}/connections/${conn.body.id}/idp-metadata`, {
    metadataUrl,
  });
  expectStatus(imported, 200);
  if (state === "active")
    expectStatus(await post(`organizations/${org.body.id}/connections/${conn.body.id}/activate`), 200);
  return {
    orgId: org.body.id as string,
    connectionId: conn.body.id as string,
    clientId: client.body.clientId as string,
    domain,
    acsUrl: conn.body.sp.acsUrl as string,
    entityId: conn.body.sp.entityId as string,
    feed,
    metadataUrl,
  } satisfies RotatingConnection;
}

export function orgStub(orgId: string): DurableObjectStub<OrganizationStore> {
  return env.ORGS.get(env.ORGS.idFromName(orgId));
}

/** When the connection's metadata refresh task is due (epoch ms), or null. */
export async function refreshDueAt(c: RotatingConnection, kind = "metadata-refresh"): Promise<number | null> {
  return runInDurableObject(
    orgStub(c.orgId),
    (store: OrganizationStore) => store.scheduler.queue.get(kind as "metadata-refresh", c.connectionId)?.dueAt ?? null,
  );
}

/**
 * Runs the org's scheduler as if the clock read `now`: every task due by then runs. The
 * object's own alarm fires too (an event's feed copy is due at once): first let what it runs
 * finish under the real clock, then run ours and wait until nothing is in flight, then the
 * real clock again, or the next login's pending state would be swept as hours old.
 */
export async function alarmAt(c: RotatingConnection, now: number): Promise<void> {
  const stub = orgStub(c.orgId);
  const leased = () =>
    runInDurableObject(
      stub,
      (_store: OrganizationStore, state) =>
        state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM scheduled_tasks WHERE lease IS NOT NULL").one()
          .n,
    );
  // Let what the object's own alarm runs finish first, under the real clock.
  expect(await eventually(leased, (n) => n === 0)).toBe(0);
  await runInDurableObject(stub, async (store: OrganizationStore) => {
    store.useClock(() => now);
    await store.scheduler.runDue();
  });
  expect(await eventually(leased, (n) => n === 0)).toBe(0);
  await runInDurableObject(stub, (store: OrganizationStore) => store.useClock(() => Date.now()));
}

/** Runs the connection's refresh now-ish: the alarm with the clock at the task's due time. */
export async function runRefresh(c: RotatingConnection): Promise<number> {
  const due = await refreshDueAt(c);
  expect(due, "a refresh is scheduled").not.toBeNull();
  await alarmAt(c, due!);
  return due!;
}

export async function connectionView(c: RotatingConnection) {
  const response = await get(`organizations/${c.orgId}/connections/${c.connectionId}`);
  expectStatus(response, 200);
  return response.body as {
    updatedAt: string;
    saml: { idpCertificates: string[]; metadataRefresh: MetadataRefreshView };
    certificates: { role: string; fingerprintSha256: string; status: string }[];
  };
}

/** The trusted certificates, as "old"/"new" in configuration order. */
export async function trusted(c: RotatingConnection): Promise<string[]> {
  const idp = inject("rotatingIdp");
  const body = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, "");
  const names = new Map([
    [body(idp.oldCertificatePem), "old"],
    [body(idp.newCertificatePem), "new"],
  ]);
  return (await connectionView(c)).saml.idpCertificates.map((pem) => names.get(body(pem)) ?? "other");
}

export async function fingerprint(which: "old" | "new"): Promise<string> {
  const idp = inject("rotatingIdp");
  const pem = which === "old" ? idp.oldCertificatePem : idp.newCertificatePem;
  const der = Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, "")), (ch) => ch.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A whole SP-initiated login through the connection, its Response signed by xmlsec1 with the
 * old or the new key: ok (a code for the app), or the reason the audit log recorded.
 */
export async function login(
  c: RotatingConnection,
  key: "old" | "new",
): Promise<{ ok: true } | { ok: false; reason: string | undefined }> {
  const idp = inject("rotatingIdp");
  const email = `jane@${c.domain}`;
  const started = await startLogin(authorizeUrl(c, { login_hint: email, state: "st" }));
  const signed = await fetch(key === "old" ? idp.oldSignUrl : idp.newSignUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ inResponseTo: started.requestId, acsUrl: c.acsUrl, audience: c.entityId, email }),
  });
  expect(signed.status, await signed.clone().text()).toBe(200);
  const { samlResponse } = await signed.json<{ samlResponse: string }>();
  const acs = await postAcs(c.acsUrl, { SAMLResponse: samlResponse, RelayState: started.relayState }, started.cookie);
  if (acs.status === 302 && new URL(acs.headers.get("location")!).searchParams.has("code")) return { ok: true };
  return { ok: false, reason: await failureReason(c.orgId, await acs.text()) };
}

/** The connection's `sso_configuration.updated` events, oldest first. */
export async function configurationUpdates(c: RotatingConnection): Promise<AuditEventJson[]> {
  return (await orgEvents(c.orgId, "&type=sso_configuration.updated"))
    .filter((e) => e.target === c.connectionId)
    .reverse();
}
