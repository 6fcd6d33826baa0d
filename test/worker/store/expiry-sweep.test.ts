/**
 * Expired login state (SPEC §1 "Expiring rows are swept through an index on their expiry
 * (or an alarm)"): a write schedules the org's `expiry-sweep` task, the object's alarm
 * deletes expired rows through the `expires_at` indexes in bounded batches, and a row is
 * dead from the moment it expires, swept or not.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SWEEP_BATCH, SWEEP_SLACK_MS } from "../../../src/store/org/expiry-sweep";
import type { PendingLogin } from "../../../src/store/org/login-types";
import type { OrgOpInput, OrgOpName } from "../../../src/store/org/ops";
import type { OrganizationStore } from "../../../src/store/organization-store";
import { createOrg } from "../admin/helpers";

const MIN = 60_000;

/**
 * A new org's object with nothing scheduled: its creation's events are in the outbox, so
 * their feed task runs first (a minute ahead), leaving the sweep alone on the alarm.
 */
async function orgStore() {
  const org = await createOrg();
  const stub = env.ORGS.get(env.ORGS.idFromName(org.id));
  await alarmAt(stub, Date.now() + MIN);
  expect(await runInDurableObject(stub, (store: OrganizationStore) => store.scheduler.queue.list())).toEqual([]);
  return { orgId: org.id, stub };
}

function pendingLogin(relayState: string, now: number, expiresAt: number): PendingLogin {
  return {
    relayState,
    requestId: `_${relayState}`,
    connectionId: "conn_x",
    clientId: "client_x",
    redirectUri: "https://app.example/cb",
    state: null,
    nonce: null,
    codeChallenge: null,
    scope: "openid",
    loginHint: null,
    browserHash: "bh",
    upstream: null,
    createdAt: new Date(now).toISOString(),
    expiresAt,
  };
}

const profile = {
  id: "user_x",
  organizationId: "org_x",
  connectionId: "conn_x",
  connectionType: "saml" as const,
  idpId: "sub",
  email: "a@b.example",
  emailVerified: true,
  firstName: null,
  lastName: null,
  groups: [],
  roles: [],
  rawAttributes: {},
};

/** Runs an org operation in the object, with the clock at `now`. */
function op<K extends OrgOpName>(
  stub: DurableObjectStub<OrganizationStore>,
  name: K,
  input: OrgOpInput<K>,
  now: number,
) {
  return runInDurableObject(stub, (store: OrganizationStore) => store.run(name, input, "system", now));
}

/** The object's sweep task, alarm and row counts. */
function state(stub: DurableObjectStub<OrganizationStore>) {
  return runInDurableObject(stub, async (store: OrganizationStore, s) => ({
    sweep: store.scheduler.queue.get("expiry-sweep", "login-state")?.dueAt ?? null,
    alarm: await s.storage.getAlarm(),
    pending: s.storage.sql
      .exec<{ relay_state: string }>("SELECT relay_state FROM pending_logins ORDER BY relay_state")
      .toArray()
      .map((r) => r.relay_state),
    tokens: s.storage.sql.exec("SELECT COUNT(*) AS n FROM access_tokens").one().n,
  }));
}

/** Runs the object's alarm as if the clock read `now`. */
async function alarmAt(stub: DurableObjectStub<OrganizationStore>, now: number): Promise<boolean> {
  await runInDurableObject(stub, (store: OrganizationStore) => store.scheduler.useClock(() => now));
  return runDurableObjectAlarm(stub);
}

describe("expiry sweep", () => {
  it("a write schedules the sweep; the alarm deletes what expired and re-arms at the next expiry", async () => {
    const { stub } = await orgStore();
    const t0 = Date.now();
    await op(stub, "createPendingLogin", pendingLogin("a", t0, t0 + 10 * MIN), t0);
    await op(
      stub,
      "createAccessToken",
      { tokenHash: "t1", clientId: "client_x", memberId: "user_x", scope: "openid", profile, expiresAt: t0 + 60 * MIN },
      t0,
    );
    await op(stub, "createPendingLogin", pendingLogin("b", t0, t0 + 20 * MIN), t0);
    // One sweep serves every row: due when the first expires (plus the slack), however many follow.
    expect(await state(stub)).toEqual({
      sweep: t0 + 10 * MIN + SWEEP_SLACK_MS,
      alarm: t0 + 10 * MIN + SWEEP_SLACK_MS,
      pending: ["a", "b"],
      tokens: 1,
    });

    expect(await alarmAt(stub, t0 + 15 * MIN)).toBe(true);
    expect(await state(stub)).toEqual({
      sweep: t0 + 20 * MIN + SWEEP_SLACK_MS,
      alarm: t0 + 20 * MIN + SWEEP_SLACK_MS,
      pending: ["b"],
      tokens: 1,
    });

    expect(await alarmAt(stub, t0 + 2 * 60 * MIN)).toBe(true);
    expect(await state(stub)).toEqual({ sweep: null, alarm: null, pending: [], tokens: 0 });
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });

  it(`sweeps a backlog in batches of ${SWEEP_BATCH} through the expiry index`, async () => {
    const { stub } = await orgStore();
    const t0 = Date.now();
    const plan = await runInDurableObject(stub, (_store: OrganizationStore, s) => {
      for (let i = 0; i < 2 * SWEEP_BATCH + 100; i++)
        s.storage.sql.exec(
          "INSERT INTO pending_logins VALUES (?, ?, 'conn_x', 'client_x', 'https://app.example/cb', NULL, NULL, NULL, 'openid', NULL, 'bh', NULL, '', ?, NULL)",
          `old${i}`,
          `_old${i}`,
          t0 - 1,
        );
      return s.storage.sql
        .exec<{ detail: string }>(
          "EXPLAIN QUERY PLAN SELECT rowid FROM pending_logins WHERE expires_at < ? LIMIT 10",
          t0,
        )
        .toArray()
        .map((r) => r.detail)
        .join("; ");
    });
    expect(plan).toContain("USING COVERING INDEX pending_logins_by_expiry");
    await op(stub, "createPendingLogin", pendingLogin("live", t0, t0 + 60 * MIN), t0);
    const counts: number[] = [];
    let now = t0 + 60 * MIN + SWEEP_SLACK_MS;
    for (let run = 0; run < 3; run++) {
      expect(await alarmAt(stub, now)).toBe(true);
      const after = await state(stub);
      counts.push(after.pending.length);
      if (after.sweep) now = after.sweep;
    }
    // 500 per run; the third run also takes the live row, which expired by then.
    expect(counts).toEqual([SWEEP_BATCH + 101, 101, 0]);
    expect(await state(stub)).toMatchObject({ sweep: null, alarm: null });
  });
});

describe("a row is dead once it expires, swept or not", () => {
  it("an expired replay-cache entry no longer refuses its assertion", async () => {
    const { stub } = await orgStore();
    const t0 = Date.now();
    const attempt = (now: number) =>
      op(
        stub,
        "completeLogin",
        {
          connectionId: "conn_missing",
          assertion: { id: "_assertion-1", expiresAt: t0 + MIN },
          identity: { ...profile, subject: "sub", subjectIsTransient: false },
          target: {
            clientId: "c",
            redirectUri: "https://app.example/cb",
            state: null,
            nonce: null,
            codeChallenge: null,
            scope: "openid",
          },
          codeHash: crypto.randomUUID(),
          codeExpiresAt: now + MIN,
          session: { sid: crypto.randomUUID(), saml: null, expiresAt: now + MIN },
        },
        now,
      ).then((r) => (r.ok && !r.value.ok ? r.value.reason : "other"));
    expect(await attempt(t0)).toBe("connection_inactive");
    expect(await attempt(t0 + MIN / 2)).toBe("replayed");
    expect(await attempt(t0 + 2 * MIN)).toBe("connection_inactive");
  });

  it("a spent code remembered past its hour revokes nothing", async () => {
    const { orgId, stub } = await orgStore();
    const t0 = Date.now();
    await runInDurableObject(stub, (_store: OrganizationStore, s) => {
      for (const code of ["c1", "c2"])
        s.storage.sql.exec(
          "INSERT INTO auth_codes VALUES (?, 'client_x', 'https://app.example/cb', NULL, NULL, 'openid', 'user_x', ?, ?, NULL)",
          code,
          JSON.stringify(profile),
          t0 + MIN,
        );
    });
    for (const code of ["c1", "c2"]) {
      expect((await op(stub, "consumeCode", { codeHash: code }, t0)).ok).toBe(true);
      await op(
        stub,
        "createAccessToken",
        {
          tokenHash: `tok-${code}`,
          clientId: "client_x",
          memberId: "user_x",
          scope: "openid",
          profile,
          expiresAt: t0 + 60 * MIN,
          codeHash: code,
        },
        t0,
      );
    }
    await op(stub, "consumeCode", { codeHash: "c1" }, t0 + 30 * MIN); // within the hour: revokes
    await op(stub, "consumeCode", { codeHash: "c2" }, t0 + 61 * MIN); // remembered no longer
    const events = await op(stub, "listEvents", { limit: 10, type: "authorization_code.reused" }, t0);
    expect(events.ok && events.value.data.map((e) => e.data)).toEqual([{ revokedAccessTokens: 1 }]);
    expect(orgId).toMatch(/^org_/);
  });
});
