/**
 * Webhook delivery (SPEC §6), end to end: events recorded by the org's object reach a real
 * receiver on loopback that verifies every request with the `standardwebhooks` package.
 * Retries run on a short schedule set on the org's running object, never on real hours.
 */
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { OrganizationStore } from "../../../src/store/organization-store";
import { STANDARD_DELIVERY_POLICY } from "../../../src/webhooks/delivery-policy";
import {
  appEventsHolding,
  createOrg,
  eventually,
  expectProblem,
  expectStatus,
  get,
  orgEvents,
  patch,
  post,
} from "../admin/helpers";
import {
  bodyOf,
  createEndpoint,
  createUser,
  deleteEndpoints,
  deliveries,
  orgStub,
  receivedAtLeast,
  receivedFor,
  shortSchedule,
  useDeliveryPolicy,
  type Endpoint,
} from "./helpers";

const made: Endpoint[] = [];
const endpoint = async (...args: Parameters<typeof createEndpoint>) => {
  const e = await createEndpoint(...args);
  made.push(e);
  return e;
};
afterEach(async () => {
  await deleteEndpoints(...made.splice(0));
});

describe("delivery", () => {
  it("signs per Standard Webhooks: webhook-id is the event, the body is {id, type, createdAt, organizationId, data}", async () => {
    const hook = await endpoint(["user.created", "sso_configuration.enabled"]);
    const org = await createOrg();
    const userId = await createUser(org.id, "sig");
    const [request] = await receivedAtLeast(hook.name, org.id, 1);
    expect(request!.verified).toEqual({ current: true });
    const event = (await orgEvents(org.id)).find((e) => e.type === "user.created" && e.target === userId)!;
    expect(bodyOf(request!)).toEqual({
      id: event.id,
      type: "user.created",
      createdAt: event.createdAt,
      organizationId: org.id,
      data: event.data,
    });
    expect(request!.headers).toMatchObject({
      "content-type": "application/json",
      "webhook-id": event.id,
      "webhook-timestamp": expect.stringMatching(/^\d{10}$/),
      "webhook-signature": expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
    });
    expect(request!.body).not.toContain(hook.secret.slice("whsec_".length));
    const [delivery] = await deliveries(hook.id, (d) =>
      d.some((x) => x.eventId === event.id && x.status === "succeeded"),
    );
    expect(delivery).toMatchObject({
      id: expect.stringMatching(new RegExp(`^dlv_${org.id.slice(4)}[0-9a-z]{16}$`)),
      eventId: event.id,
      eventType: "user.created",
      endpointId: hook.id,
      organizationId: org.id,
      status: "succeeded",
      attempts: [{ at: expect.any(String), status: 200, durationMs: expect.any(Number) }],
      nextAttemptAt: null,
    });
  });

  it("retries a receiver that fails 3 times (500, a timeout, a reset connection), re-signing each attempt", async () => {
    const org = await createOrg();
    await useDeliveryPolicy(org.id, { schedule: shortSchedule(1_100), timeoutMs: 400 });
    const hook = await endpoint(["user.created"], { script: ["500", "timeout", "reset", "ok"] });
    await createUser(org.id, "retry");
    const requests = await receivedAtLeast(hook.name, org.id, 4, 20_000);
    expect(requests.map((r) => r.action)).toEqual(["500", "timeout", "reset", "ok"]);
    expect(new Set(requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(requests.every((r) => r.verified.current)).toBe(true);
    // Each attempt has its own timestamp (≥ 1 s apart here), so its own signature.
    const stamps = requests.map((r) => Number(r.headers["webhook-timestamp"]));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(new Set(stamps).size).toBe(4);
    expect(new Set(requests.map((r) => r.headers["webhook-signature"])).size).toBe(4);
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);

    const [delivery] = await deliveries(hook.id, (d) => d[0]?.status === "succeeded");
    expect(delivery!.attempts).toEqual([
      { at: expect.any(String), status: 500, durationMs: expect.any(Number) },
      { at: expect.any(String), error: "timeout after 400 ms", durationMs: expect.any(Number) },
      { at: expect.any(String), error: expect.stringMatching(/^connection failed: /), durationMs: expect.any(Number) },
      { at: expect.any(String), status: 200, durationMs: expect.any(Number) },
    ]);
    expect(delivery!.attempts[1]!.durationMs).toBeGreaterThanOrEqual(400);
  });

  it("survives the org's object being restarted in the middle of a backoff", async () => {
    const org = await createOrg();
    await useDeliveryPolicy(org.id, { schedule: shortSchedule(1_500), timeoutMs: 2_000 });
    const hook = await endpoint(["user.created"], { script: ["500"] });
    await createUser(org.id, "restart");
    await receivedAtLeast(hook.name, org.id, 1);
    const pending = await deliveries(hook.id, (d) => d[0]?.status === "pending");
    expect(pending[0]!.nextAttemptAt).not.toBeNull();
    // Abort the object mid-backoff: what it held in memory (its short policy) is gone.
    await expect(
      runInDurableObject(orgStub(org.id), (_store: OrganizationStore, state) => state.abort("test restart")),
    ).rejects.toThrow();
    const restarted = await runInDurableObject(orgStub(org.id), (store: OrganizationStore) => store.outbox.policy);
    expect(restarted).toBe(STANDARD_DELIVERY_POLICY);
    // The retry time kept in the delivery's row, and the alarm, bring the attempt anyway.
    const requests = await receivedAtLeast(hook.name, org.id, 2);
    expect(requests.map((r) => r.action)).toEqual(["500", "ok"]);
    expect(requests[1]!.verified.current).toBe(true);
    const [delivery] = await deliveries(hook.id, (d) => d[0]?.status === "succeeded");
    expect(delivery!.attempts.map((a) => a.status)).toEqual([500, 200]);
  });

  it("delivers a burst of 1,000 events across 10 orgs, complete and in order within each org", async () => {
    const hook = await endpoint(["user.created"]);
    const orgs = await Promise.all(Array.from({ length: 10 }, () => createOrg()));
    await Promise.all(
      orgs.map(async (org) => {
        for (let i = 0; i < 100; i++) await createUser(org.id, i);
      }),
    );
    for (const org of orgs) {
      const requests = await receivedAtLeast(hook.name, org.id, 100, 60_000);
      const firstArrivals = [...new Set(requests.map((r) => r.headers["webhook-id"]))];
      expect(requests.every((r) => r.verified.current)).toBe(true);
      const created = (await get(`organizations/${org.id}/events?type=user.created&limit=100`)).body.data as {
        id: string;
      }[];
      // Deduplicated by webhook-id: every event once, in the order the org recorded them.
      expect(firstArrivals).toEqual(created.map((e) => e.id).reverse());
      expect(requests.map((r) => bodyOf(r).id)).toEqual(requests.map((r) => r.headers["webhook-id"]));
    }
  }, 120_000);
});

describe("endpoints that take nothing", () => {
  it("a disabled endpoint gets nothing, and after re-enabling only events from then on", async () => {
    const off = await endpoint(["user.created"], { enabled: false });
    const paused = await endpoint(["user.created"]);
    const witness = await endpoint(["user.created"]);
    expectStatus(await patch(`webhooks/${paused.id}`, { enabled: false }), 200);
    const org = await createOrg();
    await createUser(org.id, "while-off");
    await receivedAtLeast(witness.name, org.id, 1);
    expectStatus(await patch(`webhooks/${paused.id}`, { enabled: true }), 200);
    await createUser(org.id, "after");
    const seen = await receivedAtLeast(witness.name, org.id, 2);
    const [resumed] = await receivedAtLeast(paused.name, org.id, 1);
    expect(bodyOf(resumed!).id).toBe(bodyOf(seen[1]!).id);
    expect(await receivedFor(paused.name, org.id)).toHaveLength(1);
    expect(await receivedFor(off.name, org.id)).toEqual([]);
  });

  it("disabling an endpoint fails its pending deliveries at once, in every org, without waiting for their backoff", async () => {
    const hook = await endpoint(["user.created"], { script: ["500", "500"] });
    const orgs = [await createOrg(), await createOrg()];
    for (const org of orgs) {
      await useDeliveryPolicy(org.id, { schedule: shortSchedule(3_600_000), timeoutMs: 1_000 });
      await createUser(org.id, "backoff");
    }
    const waiting = await deliveries(hook.id, (d) => d.filter((x) => x.status === "pending").length === 2);
    expect(waiting.map((d) => d.attempts.length)).toEqual([1, 1]);
    expectStatus(await patch(`webhooks/${hook.id}`, { enabled: false }), 200);
    const closed = await deliveries(hook.id, (d) => d.length === 2 && d.every((x) => x.status === "failed"));
    expect(closed.map((d) => [d.status, d.attempts.length, d.nextAttemptAt])).toEqual([
      ["failed", 1, null],
      ["failed", 1, null],
    ]);
  });

  it("a 410 disables the endpoint at once and emits webhook.disabled; nothing more is sent to it", async () => {
    const gone = await endpoint(["user.created"], { script: ["410"] });
    const witness = await endpoint(["user.created", "webhook.disabled"]);
    const org = await createOrg();
    await createUser(org.id, "first");
    await receivedAtLeast(gone.name, org.id, 1);
    const disabled = await eventually(
      async () => (await get(`webhooks/${gone.id}`)).body,
      (w) => w.enabled === false,
    );
    expect(disabled).toMatchObject({ enabled: false, disabledReason: "gone" });
    const [notice] = await receivedAtLeast(witness.name, null, 1);
    expect(bodyOf(notice!)).toMatchObject({
      type: "webhook.disabled",
      organizationId: null,
      data: { reason: "gone", url: expect.stringContaining(gone.name) },
    });
    expect(notice!.verified.current).toBe(true);
    await appEventsHolding({ ids: [bodyOf(notice!).id] });
    await createUser(org.id, "second");
    await receivedAtLeast(witness.name, org.id, 2);
    expect(await receivedFor(gone.name, org.id)).toHaveLength(1);
    const [delivery] = await deliveries(gone.id, (d) => d[0]?.status === "failed");
    expect(delivery!.attempts.map((a) => a.status)).toEqual([410]);
  });

  it("a delivery that finally fails disables the endpoint; retry sends it again once re-enabled", async () => {
    const org = await createOrg();
    await useDeliveryPolicy(org.id, { schedule: { ...shortSchedule(200, 2), giveUpAfterMs: 300 }, timeoutMs: 1_000 });
    const hook = await endpoint(["user.created"], { script: ["500", "500"] });
    await createUser(org.id, "doomed");
    const [failed] = await deliveries(hook.id, (d) => d[0]?.status === "failed");
    expect(failed!.attempts.map((a) => a.status)).toEqual([500, 500]);
    expect(
      (
        await eventually(
          async () => (await get(`webhooks/${hook.id}`)).body,
          (w) => w.enabled === false,
        )
      ).disabledReason,
    ).toBe("failing");
    const retryPath = `webhooks/${hook.id}/deliveries/${failed!.id}/retry`;
    expectProblem(await post(retryPath), 409, "conflict");
    expectStatus(await patch(`webhooks/${hook.id}`, { enabled: true }), 200);
    const retried = await post(retryPath);
    expectStatus(retried, 202);
    expect(retried.body).toMatchObject({ id: failed!.id, status: "pending" });
    const [done] = await deliveries(hook.id, (d) => d[0]?.status === "succeeded");
    expect(done!.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    const requests = await receivedFor(hook.name, org.id);
    expect(new Set(requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([failed!.eventId]));
    expectProblem(await post(`webhooks/${hook.id}/deliveries/dlv_nope/retry`), 404, "not_found");
  });
});
