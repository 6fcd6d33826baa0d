import { one } from "../sql";

/**
 * The table behind an object's one alarm (SPEC §1): each row is a task of some kind, named
 * by a key unique within its kind, due at an epoch-ms time. `attempts` and `last_error`
 * count failures since the task last succeeded; `lease` marks an async task while it runs.
 */
export const SCHEDULED_TASKS_SCHEMA = `
CREATE TABLE IF NOT EXISTS scheduled_tasks (
  kind TEXT NOT NULL, key TEXT NOT NULL, due_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, lease TEXT,
  PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS scheduled_tasks_by_due ON scheduled_tasks (due_at);
`;

/** A task as its handler sees it. */
export interface ScheduledTask<K extends string = string> {
  kind: K;
  key: string;
  /** Epoch ms. */
  dueAt: number;
  /** Failed runs since the task was scheduled or last succeeded. */
  attempts: number;
  lastError: string | null;
}

type TaskRow = { kind: string; key: string; due_at: number; attempts: number; last_error: string | null };

const toTask = <K extends string>(row: TaskRow): ScheduledTask<K> => ({
  kind: row.kind as K,
  key: row.key,
  dueAt: row.due_at,
  attempts: row.attempts,
  lastError: row.last_error,
});

/**
 * The write side of the scheduler, used by an object's operations inside their own
 * transaction (`ctx.tasks`), so a task is scheduled atomically with the change that needs
 * it. Writing here never touches the alarm: the object re-arms it after the operation
 * commits (`Scheduler.syncAlarm`), because only the scheduler calls `setAlarm`.
 */
export class TaskQueue<K extends string> {
  /** Set by every write; the object re-arms its alarm when it is set. */
  changed = false;

  /**
   * `due_at` (or null: no such task) of tasks read while every write of this queue was
   * committed, by kind and key: `scheduleBy` on a login's path reads each task once per
   * object instance, not once per operation. Any write empties it, and nothing read after
   * a write is kept until the scheduler re-arms (`settled`, after the write committed or
   * rolled back), so it never holds a value a rolled-back transaction wrote. Only this
   * queue writes `scheduled_tasks` after the object started (migrations run before).
   */
  private readonly knownDue = new Map<string, number | null>();
  private unsettled = false;

  constructor(private readonly sql: SqlStorage) {}

  /** Called by the scheduler once the writes so far committed or rolled back (it re-arms then). */
  settled(): void {
    this.unsettled = false;
  }

  private wrote(): void {
    this.knownDue.clear();
    this.unsettled = true;
  }

  /** Schedules task (kind, key) at `dueAt` (epoch ms), replacing its time if it exists. */
  schedule(kind: K, key: string, dueAt: number): void {
    this.changed = true;
    this.wrote();
    this.sql.exec(
      `INSERT INTO scheduled_tasks (kind, key, due_at) VALUES (?, ?, ?)
       ON CONFLICT (kind, key) DO UPDATE SET due_at = excluded.due_at, attempts = 0, last_error = NULL, lease = NULL`,
      kind,
      key,
      Math.floor(dueAt),
    );
  }

  /**
   * Makes sure task (kind, key) runs no later than `dueAt`: schedules it, or moves it
   * earlier, never later. Writes only when that changes something (one indexed read
   * otherwise), so calling it on a hot path is cheap.
   */
  scheduleBy(kind: K, key: string, dueAt: number): void {
    const current = this.dueAt(kind, key);
    if (current !== null && current <= dueAt) return;
    this.schedule(kind, key, dueAt);
  }

  /** The task's `due_at`, or null when there is none: from `knownDue` when it can be. */
  private dueAt(kind: K, key: string): number | null {
    const id = `${kind}\u0000${key}`;
    const known = this.knownDue.get(id);
    if (known !== undefined) return known;
    const due = this.get(kind, key)?.dueAt ?? null;
    if (!this.unsettled) this.knownDue.set(id, due);
    return due;
  }

  /** Removes task (kind, key); false when there was none. */
  cancel(kind: K, key: string): boolean {
    this.wrote();
    const removed = this.sql.exec("DELETE FROM scheduled_tasks WHERE kind = ? AND key = ?", kind, key).rowsWritten > 0;
    if (removed) this.changed = true;
    return removed;
  }

  get(kind: K, key: string): ScheduledTask<K> | null {
    const row = one<TaskRow>(this.sql, "SELECT * FROM scheduled_tasks WHERE kind = ? AND key = ?", kind, key);
    return row ? toTask<K>(row) : null;
  }

  /** Every task, earliest first (for tests and diagnostics). */
  list(): ScheduledTask<K>[] {
    return this.sql
      .exec<TaskRow>("SELECT * FROM scheduled_tasks ORDER BY due_at, kind, key")
      .toArray()
      .map((row) => toTask<K>(row));
  }

  /** The earliest `due_at`, or null when nothing is scheduled. */
  earliest(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT MIN(due_at) AS t FROM scheduled_tasks").one().t;
  }

  /** The next task due at `now` (earliest first), or null. */
  nextDue(now: number): ScheduledTask<K> | null {
    const row = one<TaskRow>(
      this.sql,
      "SELECT * FROM scheduled_tasks WHERE due_at <= ? ORDER BY due_at, kind, key LIMIT 1",
      now,
    );
    return row ? toTask<K>(row) : null;
  }

  /** Marks a task as running under `lease` until `until`: if the object dies, it is due again then. */
  lease(task: ScheduledTask<K>, lease: string, until: number): void {
    this.wrote();
    this.sql.exec(
      "UPDATE scheduled_tasks SET lease = ?, due_at = ? WHERE kind = ? AND key = ?",
      lease,
      until,
      task.kind,
      task.key,
    );
  }

  /**
   * Ends a run: removes the task, or reschedules it at `next`. With a `lease`, only if the
   * row still carries it (an operation that rescheduled the task meanwhile wins).
   */
  finish(task: ScheduledTask<K>, next: number | null, lease: string | null): void {
    this.wrote();
    const where = "WHERE kind = ? AND key = ? AND (? IS NULL OR lease = ?)";
    if (next === null) this.sql.exec(`DELETE FROM scheduled_tasks ${where}`, task.kind, task.key, lease, lease);
    else
      this.sql.exec(
        `UPDATE scheduled_tasks SET due_at = ?, attempts = 0, last_error = NULL, lease = NULL ${where}`,
        Math.floor(next),
        task.kind,
        task.key,
        lease,
        lease,
      );
  }

  /** Records a failed run and makes the task due again at `retryAt`; it is never dropped. */
  fail(task: ScheduledTask<K>, error: string, retryAt: number, lease: string | null): void {
    this.wrote();
    this.sql.exec(
      `UPDATE scheduled_tasks SET attempts = attempts + 1, last_error = ?, due_at = ?, lease = NULL
       WHERE kind = ? AND key = ? AND (? IS NULL OR lease = ?)`,
      error.slice(0, 500),
      Math.floor(retryAt),
      task.kind,
      task.key,
      lease,
      lease,
    );
  }
}
