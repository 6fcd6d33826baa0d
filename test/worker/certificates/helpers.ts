/**
 * Helpers of the certificate lifecycle tests (SPEC §9 "Certificates and metadata"): X.509
 * certificates with chosen validity, their SHA-256 fingerprints computed independently of
 * src, and an org object whose scheduler runs at a time the test sets.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { generateSpKeyPair } from "../../../src/crypto/sp-keys";
import type { OrganizationStore } from "../../../src/store/organization-store";
import { orgEvents } from "../admin/helpers";

export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** A self-signed certificate valid from a day before `from` until `from + daysLeft` days. */
export async function certificateExpiringIn(daysLeft: number, from = Date.now()): Promise<string> {
  const pair = await generateSpKeyPair({
    commonName: `expires in ${daysLeft} days`,
    now: new Date(from - DAY),
    days: daysLeft + 1,
  });
  return pair.certificatePem;
}

/** SHA-256 of the certificate's DER, lower-case hex: what `fingerprintSha256` must be. */
export async function fingerprintOf(pem: string): Promise<string> {
  const b64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

function orgStub(orgId: string) {
  return env.ORGS.get(env.ORGS.idFromName(orgId));
}

/**
 * Sets the org object's scheduler clock to `at` (its own alarm then runs at that time too),
 * and runs every task due by then. The clock never reads earlier than the real time, so a
 * task an operation schedules "now" is due for the object's own alarm as well.
 */
export async function runTasksAt(orgId: string, at: number): Promise<void> {
  await runInDurableObject(orgStub(orgId), async (store: OrganizationStore) => {
    store.useClock(() => Math.max(at, Date.now()));
    await store.scheduler.runDue();
  });
}

/** The org's scheduled certificate check of a connection, or null. */
export async function certificateCheckOf(orgId: string, connectionId: string) {
  return runInDurableObject(orgStub(orgId), (store: OrganizationStore) =>
    store.scheduler.queue.get("certificate-expiry", connectionId),
  );
}

export interface ExpiringEventData {
  connectionId: string;
  certificate: { fingerprintSha256: string; notAfter: string; role: string };
  daysLeft: number;
}

/** The org's `connection.certificate_expiring` events, oldest first. */
export async function expiringEvents(orgId: string): Promise<ExpiringEventData[]> {
  const events = await orgEvents(orgId, "&type=connection.certificate_expiring");
  return events.reverse().map((e) => e.data as unknown as ExpiringEventData);
}
