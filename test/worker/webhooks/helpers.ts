/**
 * Helpers of the delivery tests: endpoints at the loopback receiver of the global setup
 * (bench/lib/webhook-receiver.mjs, which verifies every request with `standardwebhooks`),
 * and the outbox of an org's object, whose policy a test may shorten.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { expect, inject } from "vitest";
import type { OrganizationStore } from "../../../src/store/organization-store";
import { STANDARD_DELIVERY_POLICY, type DeliveryPolicy } from "../../../src/webhooks/delivery-policy";
import type { DeliveryRecord } from "../../../src/webhooks/delivery-rows";
import { del, eventually, expectStatus, get, post } from "../admin/helpers";

/** What the receiver recorded of one request. */
export interface Received {
  receivedAt: number;
  headers: Record<string, string>;
  body: string;
  action: string;
  verified: Record<string, boolean>;
}

/** The event as the endpoint received it (SPEC §6). */
export interface WebhookBody {
  id: string;
  type: string;
  createdAt: string;
  organizationId: string | null;
  data: Record<string, unknown>;
}

const receiverUrl = () => inject("webhookReceiverUrl");

/** Sets a receiver endpoint's script (one action per request) and the secrets it verifies with. */
export async function configureReceiver(
  name: string,
  config: { script?: string[]; secrets?: Record<string, string> },
): Promise<void> {
  const response = await fetch(`${receiverUrl()}/control/${name}`, { method: "PUT", body: JSON.stringify(config) });
  expect(response.status).toBe(204);
}

/** Every request the receiver endpoint got, oldest first. */
export async function received(name: string): Promise<Received[]> {
  const response = await fetch(`${receiverUrl()}/control/${name}`);
  return ((await response.json()) as { requests: Received[] }).requests;
}

/** The requests of `name` carrying events of `organizationId` (endpoints are app-wide: other tests' events come too). */
export async function receivedFor(name: string, organizationId: string | null): Promise<Received[]> {
  return (await received(name)).filter((r) => bodyOf(r).organizationId === organizationId);
}

export const bodyOf = (r: Received) => JSON.parse(r.body) as WebhookBody;

/** Waits until the receiver endpoint has at least `count` requests of the org's events. */
export function receivedAtLeast(name: string, organizationId: string | null, count: number, timeoutMs = 15_000) {
  return eventually(
    () => receivedFor(name, organizationId),
    (requests) => requests.length >= count,
    timeoutMs,
  );
}

export interface Endpoint {
  id: string;
  secret: string;
  /** The receiver's name for it. */
  name: string;
}

let counter = 0;

/** An endpoint at a fresh receiver name, which verifies with its secret (labelled `current`). */
export async function createEndpoint(
  events: string[],
  options: { script?: string[]; enabled?: boolean } = {},
): Promise<Endpoint> {
  const name = `h${++counter}-${crypto.randomUUID().slice(0, 8)}`;
  const created = await post("webhooks", {
    url: `${receiverUrl()}/hooks/${name}`,
    events,
    ...(options.enabled === undefined ? {} : { enabled: options.enabled }),
  });
  expectStatus(created, 201);
  const endpoint = { id: created.body.id as string, secret: created.body.secret as string, name };
  await configureReceiver(name, { script: options.script ?? [], secrets: { current: endpoint.secret } });
  return endpoint;
}

/** Deletes endpoints a test made, so later tests' events do not reach them. */
export async function deleteEndpoints(...endpoints: Endpoint[]): Promise<void> {
  for (const e of endpoints) expectStatus(await del(`webhooks/${e.id}`), 204);
}

/** The endpoint's deliveries (its app-wide log), once `done` holds. */
export function deliveries(endpointId: string, done: (d: DeliveryRecord[]) => boolean): Promise<DeliveryRecord[]> {
  return eventually(
    async () => (await get(`webhooks/${endpointId}/deliveries?limit=100`)).body.data as DeliveryRecord[],
    done,
    15_000,
  );
}

export function orgStub(organizationId: string): DurableObjectStub<OrganizationStore> {
  return env.ORGS.get(env.ORGS.idFromName(organizationId));
}

/** Replaces the delivery policy of the org's running object (until it restarts). */
export async function useDeliveryPolicy(organizationId: string, policy: Partial<DeliveryPolicy>): Promise<void> {
  await runInDurableObject(orgStub(organizationId), (store: OrganizationStore) => {
    store.outbox.policy = { ...STANDARD_DELIVERY_POLICY, ...policy };
  });
}

/** A schedule of `count` retries `delayMs` apart, without jitter. */
export const shortSchedule = (delayMs: number, count = 10) => ({
  delaysMs: Array.from({ length: count }, () => delayMs),
  repeatMs: delayMs,
  giveUpAfterMs: delayMs * count,
  jitter: 0,
});

/** Creates a user in the org: one `user.created` event. */
export async function createUser(organizationId: string, n: number | string): Promise<string> {
  const user = await post(`organizations/${organizationId}/users`, { email: `u${n}@acme.example` });
  expectStatus(user, 201);
  return user.body.id as string;
}
