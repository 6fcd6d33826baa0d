/**
 * The one scheduler (SPEC §1, src/store/scheduler/): tasks of any kind in one table, the
 * object's alarm always at the earliest, due tasks run in order through their kind's
 * handler, and a failed task is kept and retried with backoff. Run on a real object's
 * storage and alarm, with the clock driven by the test.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DomainClaim } from "../../../src/store/domain-claim";
import { retryDelayMs, Scheduler, TASKS_PER_ALARM, type TaskHandlers } from "../../../src/store/scheduler/scheduler";
import { SCHEDULED_TASKS_SCHEMA } from "../../../src/store/scheduler/task-queue";

type Kind = "report" | "notice" | "fetch";
interface Ctx {
  now: Date;
  log: string[];
}

const HOUR = 3_600_000;

/**
 * Runs `fn` with a scheduler over a new object's storage (a DomainClaim's, which has no
 * tasks of its own) and a clock the test sets. Times are in the future, so the real alarm
 * never fires by itself while the test drives it.
 */
function withScheduler<R>(
  handlers: (log: string[], storage: DurableObjectStorage) => TaskHandlers<Kind, Ctx>,
  fn: (s: {
    scheduler: Scheduler<Kind, Ctx>;
    storage: DurableObjectStorage;
    log: string[];
    at: (t: number) => void;
  }) => Promise<R>,
): Promise<R> {
  const stub = env.DOMAIN_CLAIMS.get(env.DOMAIN_CLAIMS.newUniqueId());
  return runInDurableObject(stub, async (_claim: DomainClaim, state) => {
    state.storage.sql.exec(SCHEDULED_TASKS_SCHEMA);
    const log: string[] = [];
    let now = 0;
    const scheduler = new Scheduler<Kind, Ctx>(state.storage, handlers(log, state.storage), {
      context: (date) => ({ now: date, log }),
    });
    scheduler.useClock(() => now);
    try {
      return await fn({ scheduler, storage: state.storage, log, at: (t) => void (now = t) });
    } finally {
      await state.storage.deleteAlarm();
    }
  });
}

const logging = (log: string[]): TaskHandlers<Kind, Ctx> => ({
  report: { run: (ctx, task) => void log.push(`report:${task.key}@${ctx.now.getTime()}`) },
  notice: { run: (ctx, task) => void log.push(`notice:${task.key}@${ctx.now.getTime()}`) },
  fetch: {
    async: true,
    run: async (_ctx, task) => {
      await Promise.resolve();
      log.push(`fetch:${task.key}`);
    },
  },
});

describe("Scheduler", () => {
  it("runs two kinds due at different times, each when due, in order; the alarm is always at the earliest", async () => {
    const t0 = Date.now() + 10 * HOUR;
    const result = await withScheduler(logging, async ({ scheduler, storage, log, at }) => {
      const alarms: (number | null)[] = [];
      const alarm = async () => alarms.push(await storage.getAlarm());
      scheduler.queue.schedule("notice", "n1", t0 + 2 * HOUR);
      await scheduler.syncAlarm();
      await alarm(); // notice only
      scheduler.queue.schedule("report", "r1", t0 + HOUR);
      await scheduler.syncAlarm();
      await alarm(); // moved earlier: report
      at(t0 + HOUR - 1);
      expect(await scheduler.runDue()).toEqual({ ran: 0, failed: 0 });
      await alarm(); // nothing due yet
      at(t0 + HOUR);
      expect(await scheduler.runDue()).toEqual({ ran: 1, failed: 0 });
      await alarm(); // report ran: notice is next
      at(t0 + 2 * HOUR);
      expect(await scheduler.runDue()).toEqual({ ran: 1, failed: 0 });
      await alarm(); // nothing left
      return { log: [...log], alarms, left: scheduler.queue.list() };
    });
    expect(result.log).toEqual([`report:r1@${t0 + HOUR}`, `notice:n1@${t0 + 2 * HOUR}`]);
    expect(result.alarms).toEqual([t0 + 2 * HOUR, t0 + HOUR, t0 + HOUR, t0 + 2 * HOUR, null]);
    expect(result.left).toEqual([]);
  });

  it("one alarm runs every task due by then, earliest first, and leaves the later ones armed", async () => {
    const t0 = Date.now() + 10 * HOUR;
    const result = await withScheduler(logging, async ({ scheduler, storage, log, at }) => {
      scheduler.queue.schedule("notice", "late", t0 + 5 * HOUR);
      scheduler.queue.schedule("notice", "b", t0 + 2);
      scheduler.queue.schedule("report", "a", t0 + 1);
      scheduler.queue.schedule("fetch", "c", t0 + 3);
      await scheduler.syncAlarm();
      at(t0 + HOUR);
      const ran = await scheduler.runDue();
      return { ran, log: [...log], alarm: await storage.getAlarm(), left: scheduler.queue.list().map((t) => t.key) };
    });
    expect(result.ran).toEqual({ ran: 3, failed: 0 });
    expect(result.log).toEqual([`report:a@${t0 + HOUR}`, `notice:b@${t0 + HOUR}`, "fetch:c"]);
    expect(result.alarm).toBe(t0 + 5 * HOUR);
    expect(result.left).toEqual(["late"]);
  });

  it("scheduleBy only ever moves a task earlier; cancel re-arms at the next one", async () => {
    const t0 = Date.now() + 10 * HOUR;
    const result = await withScheduler(logging, async ({ scheduler, storage }) => {
      const q = scheduler.queue;
      q.scheduleBy("report", "r", t0 + 3 * HOUR);
      q.scheduleBy("report", "r", t0 + 4 * HOUR); // later: ignored
      q.scheduleBy("report", "r", t0 + HOUR); // earlier: moves
      q.schedule("notice", "n", t0 + 2 * HOUR);
      await scheduler.syncAlarm();
      const before = await storage.getAlarm();
      const cancelled = q.cancel("report", "r");
      await scheduler.syncAlarm();
      return { due: q.list().map((t) => [t.key, t.dueAt]), before, after: await storage.getAlarm(), cancelled };
    });
    expect(result.before).toBe(t0 + HOUR);
    expect(result.cancelled).toBe(true);
    expect(result.after).toBe(t0 + 2 * HOUR);
    expect(result.due).toEqual([["n", t0 + 2 * HOUR]]);
  });

  it("scheduleBy reads a task once, and never keeps what a rolled-back transaction wrote", async () => {
    const t0 = Date.now() + 10 * HOUR;
    const result = await withScheduler(logging, async ({ scheduler, storage }) => {
      const q = scheduler.queue;
      q.schedule("report", "r", t0 + 2 * HOUR);
      await scheduler.syncAlarm();
      q.scheduleBy("report", "r", t0 + 3 * HOUR); // read, then known
      // Written behind the queue's back: a known task is not read again…
      storage.sql.exec("UPDATE scheduled_tasks SET due_at = ? WHERE key = 'r'", t0 + 5 * HOUR);
      q.scheduleBy("report", "r", t0 + 4 * HOUR);
      const whileKnown = q.get("report", "r")!.dueAt;
      // …and any write of the queue forgets it.
      q.schedule("notice", "n", t0 + 6 * HOUR);
      await scheduler.syncAlarm();
      q.scheduleBy("report", "r", t0 + 4 * HOUR);
      const afterWrite = q.get("report", "r")!.dueAt;
      // A transaction moves the task earlier, reads it again, and rolls back: the earlier
      // time is not kept, so a later scheduleBy still moves the committed task.
      expect(() =>
        storage.transactionSync(() => {
          q.scheduleBy("report", "r", t0 + HOUR);
          q.scheduleBy("report", "r", t0 + 2 * HOUR);
          throw new Error("roll back");
        }),
      ).toThrow("roll back");
      await scheduler.syncAlarm();
      q.scheduleBy("report", "r", t0 + 3 * HOUR);
      await scheduler.syncAlarm();
      return { whileKnown, afterWrite, end: q.get("report", "r")!.dueAt, alarm: await storage.getAlarm() };
    });
    expect(result.whileKnown).toBe(t0 + 5 * HOUR);
    expect(result.afterWrite).toBe(t0 + 4 * HOUR);
    expect(result.end).toBe(t0 + 3 * HOUR);
    expect(result.alarm).toBe(t0 + 3 * HOUR);
  });

  it("a handler may ask to run again: the task is rescheduled, not removed", async () => {
    const t0 = Date.now() + 10 * HOUR;
    const result = await withScheduler(
      (log) => ({
        ...logging(log),
        report: { run: (ctx) => (log.push("report"), { rescheduleAt: ctx.now.getTime() + HOUR }) },
      }),
      async ({ scheduler, storage, at }) => {
        scheduler.queue.schedule("report", "daily", t0);
        at(t0);
        await scheduler.runDue();
        return { tasks: scheduler.queue.list(), alarm: await storage.getAlarm() };
      },
    );
    expect(result.tasks).toMatchObject([{ kind: "report", key: "daily", dueAt: t0 + HOUR, attempts: 0 }]);
    expect(result.alarm).toBe(t0 + HOUR);
  });
});

/** The scheduler of the running test, for a handler that reschedules its own task. */
let scheduler: Scheduler<Kind, Ctx> | undefined;

describe("Scheduler failures", () => {
  it("a failing sync handler rolls back its writes and keeps the task, retried with backoff", async () => {
    const t0 = Date.now() + 10 * HOUR;
    let failures = 2;
    const result = await withScheduler(
      (log, storage) => ({
        ...logging(log),
        report: {
          run: () => {
            storage.sql.exec("INSERT INTO side_effects VALUES ('written')");
            if (failures-- > 0) throw new Error("upstream down");
            log.push("report ok");
          },
        },
      }),
      async ({ scheduler, storage, log, at }) => {
        storage.sql.exec("CREATE TABLE side_effects (v TEXT)");
        scheduler.queue.schedule("report", "r", t0);
        const step = async (t: number) => {
          at(t);
          const ran = await scheduler.runDue();
          return { ran, task: scheduler.queue.get("report", "r"), alarm: await storage.getAlarm() };
        };
        const seen = [await step(t0), await step(t0 + 30_000), await step(t0 + 90_000)];
        const written = storage.sql.exec("SELECT COUNT(*) AS n FROM side_effects").one().n;
        return { seen, log: [...log], written };
      },
    );
    const [first, second, third] = result.seen;
    expect(first!.ran).toEqual({ ran: 0, failed: 1 });
    expect(first!.task).toMatchObject({ attempts: 1, lastError: "upstream down", dueAt: t0 + 30_000 });
    expect(first!.alarm).toBe(t0 + 30_000);
    expect(second!.ran).toEqual({ ran: 0, failed: 1 });
    expect(second!.task).toMatchObject({ attempts: 2, dueAt: t0 + 30_000 + 60_000 });
    expect(third!.ran).toEqual({ ran: 1, failed: 0 });
    expect(third!.task).toBeNull();
    expect(third!.alarm).toBeNull();
    expect(result.log).toEqual(["report ok"]);
    expect(result.written).toBe(1); // the two failed runs' writes rolled back
  });

  it("a failing async handler keeps its task; a reschedule made while it runs wins over its end", async () => {
    const t0 = Date.now() + 10 * HOUR;
    const result = await withScheduler(
      (log) => ({
        ...logging(log),
        fetch: {
          async: true,
          leaseMs: 60_000,
          run: async (_ctx, task) => {
            await Promise.resolve();
            if (task.key === "broken") throw new Error("connect ECONNREFUSED");
            if (task.key === "moved") scheduler?.queue.schedule("fetch", "moved", t0 + 3 * HOUR);
            log.push(`fetch:${task.key}`);
          },
        },
      }),
      async (s) => {
        scheduler = s.scheduler;
        s.scheduler.queue.schedule("fetch", "broken", t0);
        s.scheduler.queue.schedule("fetch", "moved", t0 + 1);
        s.scheduler.queue.schedule("fetch", "done", t0 + 2);
        s.at(t0 + 10);
        const ran = await s.scheduler.runDue();
        return { ran, log: [...s.log], tasks: s.scheduler.queue.list(), alarm: await s.storage.getAlarm() };
      },
    );
    expect(result.ran).toEqual({ ran: 2, failed: 1 });
    expect(result.log).toEqual(["fetch:moved", "fetch:done"]);
    expect(result.tasks).toMatchObject([
      { key: "broken", attempts: 1, lastError: "connect ECONNREFUSED", dueAt: t0 + 10 + 30_000 },
      { key: "moved", attempts: 0, dueAt: t0 + 3 * HOUR },
    ]);
    expect(result.alarm).toBe(t0 + 10 + 30_000);
  });

  it("a task of a kind with no handler (written by another release) is kept, with backoff", async () => {
    const t0 = Date.now() + 10 * HOUR;
    const result = await withScheduler(logging, async ({ scheduler, storage, at }) => {
      storage.sql.exec("INSERT INTO scheduled_tasks (kind, key, due_at) VALUES ('retired-kind', 'k', ?)", t0);
      at(t0);
      const ran = await scheduler.runDue();
      return { ran, task: scheduler.queue.list()[0] };
    });
    expect(result.ran).toEqual({ ran: 0, failed: 1 });
    expect(result.task).toMatchObject({ kind: "retired-kind", attempts: 1, dueAt: t0 + 30_000 });
    expect(result.task?.lastError).toBe("no handler for task kind retired-kind");
  });

  it(`one alarm runs at most ${TASKS_PER_ALARM} tasks and re-arms at once for the rest`, async () => {
    const t0 = Date.now() + 10 * HOUR;
    const result = await withScheduler(logging, async ({ scheduler, storage, at }) => {
      for (let i = 0; i < TASKS_PER_ALARM + 10; i++) scheduler.queue.schedule("notice", `n${i}`, t0 + i);
      at(t0 + HOUR);
      const first = await scheduler.runDue();
      const alarm = await storage.getAlarm();
      const second = await scheduler.runDue();
      return { first, alarm, second, left: scheduler.queue.list().length };
    });
    expect(result.first).toEqual({ ran: TASKS_PER_ALARM, failed: 0 });
    expect(result.alarm).toBe(t0 + TASKS_PER_ALARM);
    expect(result.second).toEqual({ ran: 10, failed: 0 });
    expect(result.left).toBe(0);
  });
});

it("retryDelayMs: 30 s doubling, capped at an hour", () => {
  expect([1, 2, 3, 4, 8, 20].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000]);
});
