import { TaskQueue, type ScheduledTask } from "./task-queue";

/** What a handler asks for next: nothing (the task is done) or another run at `rescheduleAt`. */
export type TaskOutcome = { rescheduleAt: number } | void;

/**
 * A kind's handler that works over SQLite alone. It runs inside one storage transaction
 * with the task's removal: if it throws, its writes roll back and the task stays, retried
 * with backoff.
 */
export interface SyncTaskHandler<C> {
  run(ctx: C, task: ScheduledTask): TaskOutcome;
}

/**
 * A kind's handler that does I/O (a webhook delivery, a metadata fetch). It runs outside
 * any transaction, under a lease: the task is due again at `leaseMs` if the object dies
 * meanwhile, so delivery is at least once. A throw (or a lease lost to a reschedule) keeps
 * the task.
 */
export interface AsyncTaskHandler<C> {
  async: true;
  /** How long a run may take before the task is due again (default 5 minutes). */
  leaseMs?: number;
  run(ctx: C, task: ScheduledTask): Promise<TaskOutcome>;
}

export type TaskHandler<C> = SyncTaskHandler<C> | AsyncTaskHandler<C>;

/** One handler per kind: a kind without a handler does not compile. */
export type TaskHandlers<K extends string, C> = { readonly [P in K]: TaskHandler<C> };

/** What an object gives its scheduler: a fresh context per run, and what to do once a run committed. */
export interface SchedulerHooks<C> {
  context(now: Date): C;
  committed?(ctx: C): void;
}

/** Delay before the n-th retry of a failed task: 30 s, doubling, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** Tasks one alarm runs at most; more due re-arm the alarm at once. */
export const TASKS_PER_ALARM = 50;

const DEFAULT_LEASE_MS = 5 * 60_000;

/**
 * The one scheduler of an object (SPEC §1): `scheduled_tasks` holds every task, the
 * object's single alarm is always at the earliest `due_at`, and `alarm()` runs what is due
 * through the handler of its kind. This class is the only caller of `setAlarm`.
 */
export class Scheduler<K extends string, C> {
  readonly queue: TaskQueue<K>;
  private clock: () => number = () => Date.now();

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly handlers: TaskHandlers<K, C>,
    private readonly hooks: SchedulerHooks<C>,
  ) {
    this.queue = new TaskQueue<K>(storage.sql);
  }

  /** Replaces the clock `runDue` reads (tests drive time with it). */
  useClock(clock: () => number): void {
    this.clock = clock;
  }

  /** After an operation committed: re-arms the alarm if it scheduled or cancelled a task. */
  async syncAlarm(): Promise<void> {
    if (this.queue.changed) await this.arm(false);
  }

  /**
   * Sets the alarm to the earliest task, or removes it when there is none. `force` sets it
   * even when it seems unchanged: inside `alarm()` the alarm that fired is spent.
   */
  async arm(force: boolean): Promise<void> {
    this.queue.changed = false;
    this.queue.settled();
    const next = this.queue.earliest();
    const current = force ? null : await this.storage.getAlarm();
    if (next === null) {
      if (force || current !== null) await this.storage.deleteAlarm();
    } else if (next !== current) {
      await this.storage.setAlarm(next);
    }
  }

  /** The alarm's body: runs every due task in `due_at` order (up to TASKS_PER_ALARM), then re-arms. */
  async runDue(): Promise<{ ran: number; failed: number }> {
    let ran = 0;
    let failed = 0;
    try {
      for (let i = 0; i < TASKS_PER_ALARM; i++) {
        const now = this.clock();
        const task = this.queue.nextDue(now);
        if (!task) break;
        if (await this.runOne(task, now)) ran++;
        else failed++;
      }
    } finally {
      await this.arm(true);
    }
    return { ran, failed };
  }

  private async runOne(task: ScheduledTask<K>, now: number): Promise<boolean> {
    const handler = (this.handlers as Partial<Record<string, TaskHandler<C>>>)[task.kind];
    if (!handler) return this.failed(task, now, `no handler for task kind ${task.kind}`, null);
    const ctx = this.hooks.context(new Date(now));
    if (!("async" in handler)) {
      try {
        this.storage.transactionSync(() => {
          this.queue.finish(task, null, null);
          const outcome = handler.run(ctx, task);
          if (outcome) this.queue.schedule(task.kind, task.key, outcome.rescheduleAt);
        });
      } catch (error) {
        return this.failed(task, now, error, null);
      }
      this.hooks.committed?.(ctx);
      return true;
    }
    const lease = crypto.randomUUID();
    this.queue.lease(task, lease, now + (handler.leaseMs ?? DEFAULT_LEASE_MS));
    try {
      const outcome = await handler.run(ctx, task);
      this.queue.finish(task, outcome ? outcome.rescheduleAt : null, lease);
    } catch (error) {
      return this.failed(task, this.clock(), error, lease);
    }
    this.hooks.committed?.(ctx);
    return true;
  }

  private failed(task: ScheduledTask<K>, now: number, error: unknown, lease: string | null): false {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`scheduled task ${task.kind}/${task.key} failed (attempt ${task.attempts + 1}): ${message}`);
    this.queue.fail(task, message, now + retryDelayMs(task.attempts + 1), lease);
    return false;
  }
}
