/**
 * OpenID Connect Back-Channel Logout 1.0 after an IdP-initiated logout (SPEC §9): a logout
 * token per ended session, to the `backchannelLogoutUri` of that session's client only,
 * through the org's outbox (a second kind of outbox target). A real loopback receiver (the
 * webhook receiver of the global setup) records what arrives; the token is verified with
 * `jose` against our JWKS. Retries run on a short schedule set on the org's running object.
 */
import { runInDurableObject } from "cloudflare:test";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { afterEach, describe, expect, inject, it } from "vitest";
import type { OrganizationStore } from "../../../src/store/organization-store";
import { BACKCHANNEL_RETRY_SCHEDULE, nextAttemptAt } from "../../../src/webhooks/retry-schedule";
import { STANDARD_DELIVERY_POLICY } from "../../../src/webhooks/delivery-policy";
import type { BackchannelRow } from "../../../src/webhooks/backchannel-logout";
import { forgetClient } from "../../../src/store/cache/app-records";
import { appOp } from "../../../src/store/stores";
import { eventually, expectStatus, orgEvents, patch, post } from "../admin/helpers";
import { workerEnv } from "../oauth/helpers";
import { exchangeCode, REDIRECT_URI } from "../flow/flow-helpers";
import {
  bodyOf,
  configureReceiver,
  createEndpoint,
  deleteEndpoints,
  orgStub,
  received,
  receivedAtLeast,
  useDeliveryPolicy,
  type Endpoint,
} from "../webhooks/helpers";
import { send } from "../worker-client";
import {
  idpLogoutRequest,
  receivedLogoutResponse,
  seedSlo,
  sendToSlo,
  signIn,
  SUCCESS,
  type SloSeeded,
} from "./slo-helpers";

const BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout";
const receiverUrl = () => inject("webhookReceiverUrl");

let counter = 0;
/** A client of its own, whose back-channel logout URI is a fresh receiver name (or none). */
async function client(withUri: boolean, script: string[] = []) {
  const name = `bc${++counter}-${crypto.randomUUID().slice(0, 8)}`;
  const created = await post("clients", {
    name: `App ${name}`,
    redirectUris: [REDIRECT_URI],
    ...(withUri ? { backchannelLogoutUri: `${receiverUrl()}/hooks/${name}` } : {}),
  });
  expectStatus(created, 201);
  await configureReceiver(name, { script });
  return { clientId: created.body.clientId as string, clientSecret: created.body.clientSecret as string, name };
}

/** A login of `email` to `app`, redeemed: the session's `sid` and `sub` from its ID token. */
async function loginTo(s: SloSeeded, app: { clientId: string; clientSecret: string }, email: string) {
  const as = { ...s, ...app };
  const { code } = await signIn(as, email);
  const response = await exchangeCode(as, code);
  expect(response.status).toBe(200);
  const { id_token } = (await response.json()) as { id_token: string };
  const claims = JSON.parse(atob(id_token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as {
    sid: string;
    sub: string;
  };
  return claims;
}

async function idpLogout(s: SloSeeded, nameId: string) {
  const message = await idpLogoutRequest(s, "redirect", { nameId });
  const answer = await receivedLogoutResponse(
    await sendToSlo(s.sloUrl, "redirect", message),
    "redirect",
    s.spSigningCertificate,
  );
  expect(answer.statusCodes).toEqual([SUCCESS]);
}

const logoutTokenOf = (body: string) => new URLSearchParams(body).get("logout_token")!;

async function rows(orgId: string): Promise<BackchannelRow[]> {
  return runInDurableObject(orgStub(orgId), (_store: OrganizationStore, state) =>
    state.storage.sql.exec<BackchannelRow>("SELECT * FROM backchannel_deliveries ORDER BY created_at").toArray(),
  );
}

const hooks: Endpoint[] = [];
afterEach(async () => {
  await deleteEndpoints(...hooks.splice(0));
});

describe("back-channel logout", () => {
  it("sends one logout token per ended session, only to clients that had one, verified with jose against our JWKS", async () => {
    const s = await seedSlo("redirect");
    const [withUri, withoutUri, bystander] = [await client(true), await client(false), await client(true)];
    const email = `jane@${s.domain}`;
    const session = await loginTo(s, withUri, email);
    await loginTo(s, withoutUri, email);
    await loginTo(s, bystander, `bob@${s.domain}`);

    await idpLogout(s, email);

    const [request] = await eventually(
      () => received(withUri.name),
      (r) => r.length >= 1,
    );
    expect(request!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect([...new URLSearchParams(request!.body).keys()]).toEqual(["logout_token"]);
    const token = logoutTokenOf(request!.body);
    const jwks = (await send("/.well-known/jwks.json")).body as JSONWebKeySet;
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: "https://sso.test",
      audience: withUri.clientId,
      typ: "logout+jwt",
    });
    expect(protectedHeader.alg).toBe("ES256");
    expect(payload).toEqual({
      iss: "https://sso.test",
      aud: withUri.clientId,
      sub: session.sub,
      sid: session.sid,
      iat: expect.any(Number),
      exp: payload.iat! + 120,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      events: { [BACKCHANNEL_EVENT]: {} },
    });
    expect(payload).not.toHaveProperty("nonce");

    // The client without a URI gets nothing (its row is skipped), the bystander's session stayed.
    const settled = await eventually(
      () => rows(s.orgId),
      (r) => r.length === 2 && r.every((row) => row.status !== "pending"),
    );
    expect(settled.map((r) => [r.client_id, r.status]).sort()).toEqual(
      [
        [withUri.clientId, "succeeded"],
        [withoutUri.clientId, "skipped"],
      ].sort(),
    );
    expect(await received(bystander.name)).toHaveLength(0);
    expect(await received(withUri.name)).toHaveLength(1);
  });

  it("retries a failing receiver with a fresh token and the same jti, and stops when the schedule is spent", async () => {
    const s = await seedSlo("redirect");
    const app = await client(
      true,
      Array.from({ length: 50 }, () => "500"),
    );
    await useDeliveryPolicy(s.orgId, {
      backchannelSchedule: { delaysMs: [200], repeatMs: 200, giveUpAfterMs: 900, jitter: 0 },
    });
    const email = `rae@${s.domain}`;
    await loginTo(s, app, email);
    await idpLogout(s, email);

    const [row] = await eventually(
      () => rows(s.orgId),
      (r) => r.length === 1 && r[0]!.status === "failed",
      15_000,
    );
    expect(row).toMatchObject({ status: "failed", last_status: 500, next_attempt_at: null });
    const attempts = await received(app.name);
    expect(attempts.length).toBe(row!.attempts);
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.length).toBeLessThanOrEqual(6);
    const tokens = attempts.map(
      (a) =>
        JSON.parse(atob(logoutTokenOf(a.body).split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { jti: string },
    );
    expect(new Set(tokens.map((t) => t.jti)).size).toBe(1);
    // ES256 signatures are randomized: a token signed again for each attempt differs from every other.
    expect(new Set(attempts.map((a) => logoutTokenOf(a.body))).size, "each attempt mints its own token").toBe(
      attempts.length,
    );
    expect(decodeProtectedHeader(logoutTokenOf(attempts[0]!.body)).typ).toBe("logout+jwt");
    // Spent: nothing more arrives.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await received(app.name)).toHaveLength(attempts.length);
    await useDeliveryPolicy(s.orgId, STANDARD_DELIVERY_POLICY);
  });

  it("a backchannelLogoutUri follows the outbound URL policy: refused when registered, and again when sending", async () => {
    for (const uri of ["https://10.0.0.7/logout", "https://user:pw@app.example.com/logout", "https://[fe80::1]/bc"]) {
      const created = await post("clients", { name: "Bad", redirectUris: [REDIRECT_URI], backchannelLogoutUri: uri });
      expectStatus(created, 400);
      expect(created.body.errors).toEqual([{ path: "backchannelLogoutUri", message: expect.any(String) }]);
    }
    const app = await client(true);
    expectStatus(await patch(`clients/${app.clientId}`, { backchannelLogoutUri: "https://192.168.1.9/bc" }), 400);
    // A URI stored before the policy (written past the admin API) is refused at the attempt.
    await appOp(workerEnv, "clients", "updateClient", {
      clientId: app.clientId,
      backchannelLogoutUri: "https://10.1.2.3/bc",
    });
    forgetClient(app.clientId);
    const s = await seedSlo("redirect");
    await useDeliveryPolicy(s.orgId, {
      backchannelSchedule: { delaysMs: [100], repeatMs: 100, giveUpAfterMs: 250, jitter: 0 },
    });
    const email = `pat@${s.domain}`;
    await loginTo(s, app, email);
    await idpLogout(s, email);
    const [row] = await eventually(
      () => rows(s.orgId),
      (r) => r.length === 1 && r[0]!.status === "failed",
      15_000,
    );
    expect(row!.last_status).toBeNull();
    expect(row!.last_error).toMatch(/^refused: https:\/\/10\.1\.2\.3 is a private or link-local address$/);
    await useDeliveryPolicy(s.orgId, STANDARD_DELIVERY_POLICY);
  });

  it("the standard schedule gives up an hour after the logout", () => {
    let at = 0;
    const times: number[] = [];
    for (let failures = 1; failures < 100; failures++) {
      const next = nextAttemptAt(BACKCHANNEL_RETRY_SCHEDULE, failures, 0, at, 0.999);
      if (next === null) break;
      times.push((at = next));
    }
    expect(STANDARD_DELIVERY_POLICY.backchannelSchedule).toBe(BACKCHANNEL_RETRY_SCHEDULE);
    expect(times.length).toBeGreaterThan(4);
    expect(Math.max(...times)).toBeLessThanOrEqual(3_600_000);
    expect(nextAttemptAt(BACKCHANNEL_RETRY_SCHEDULE, times.length + 1, 0, 3_600_000, 0)).toBeNull();
  });

  it("user.logged_out is in the org's events and reaches webhooks", async () => {
    const hook = await createEndpoint(["user.logged_out"]);
    hooks.push(hook);
    const s = await seedSlo("redirect");
    const app = await client(false);
    const email = `lee@${s.domain}`;
    const session = await loginTo(s, app, email);
    await idpLogout(s, email);
    const [event] = await orgEvents(s.orgId, "&type=user.logged_out");
    expect(event).toMatchObject({ type: "user.logged_out", target: session.sub });
    expect(event!.data).toMatchObject({ sid: session.sid, clientId: app.clientId, initiator: "idp" });
    const [delivered] = await receivedAtLeast(hook.name, s.orgId, 1);
    expect(delivered!.verified).toEqual({ current: true });
    expect(bodyOf(delivered!)).toMatchObject({ id: event!.id, type: "user.logged_out", data: event!.data });
  });
});
