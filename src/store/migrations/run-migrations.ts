/**
 * Versioned schemas for Durable Object SQLite (SPEC §1 "Schemas evolve", STYLE 13).
 *
 * Each object class has an ordered list of small named migrations. The versions applied
 * are kept in the object's own `schema_migrations` table (Durable Object SQLite refuses
 * `PRAGMA user_version` with SQLITE_AUTH). At start the object runs every migration above
 * its version, each in one storage transaction together with the row that records it, so
 * a crash between two steps leaves a consistent, resumable schema.
 *
 * Migration 1 of every object is the schema of the unversioned release, verbatim and
 * idempotent (`CREATE … IF NOT EXISTS`): an object that release wrote has its tables and no
 * recorded version, and upgrades in place by running every step from 1, keeping its rows.
 */

/** One schema step. `up` is synchronous SQL: it runs inside `transactionSync`. */
export interface Migration {
  /** 1, 2, 3, … in order; never renumbered once released. */
  version: number;
  /** What the step does, e.g. `expiry-indexes` (recorded with the version). */
  name: string;
  /** `now` is the object's start time (the clock comes in, STYLE 3). */
  up(sql: SqlStorage, now: Date): void;
}

/** What `runMigrations` did when the object started. */
export interface MigrationReport {
  /** The version found (0 for a new object or one written before versions existed). */
  from: number;
  /** The version now recorded: the last migration's. */
  to: number;
  /** True when the object had tables but no recorded version: the unversioned release wrote it. */
  unversioned: boolean;
}

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL
)`;

/** The object's schema version: the highest migration recorded (0 when none). */
export function schemaVersion(sql: SqlStorage): number {
  const hasTable = sql
    .exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .toArray().length;
  if (!hasTable) return 0;
  return sql.exec<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations").one().v ?? 0;
}

/** Tables of the object's own, other than the version table and SQLite's or Cloudflare's. */
function hasDataTables(sql: SqlStorage): boolean {
  return (
    sql
      .exec(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations'
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' LIMIT 1`,
      )
      .toArray().length > 0
  );
}

/** Throws unless the list is numbered 1, 2, 3, … with a name each: a misnumbered list must not ship. */
export function assertMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} is numbered ${m.version}, expected ${i + 1}`);
    if (!/^[a-z0-9-]+$/.test(m.name)) throw new Error(`migration ${m.version} needs a kebab-case name`);
  });
}

/**
 * Brings the object's schema to the last migration. Run once at start, before the object
 * serves anything (inside `blockConcurrencyWhile`). A version above the last one known (a
 * rollback to an older release) is left as it is: migrations only add, so older code still
 * runs on a newer schema.
 */
export function runMigrations(
  storage: DurableObjectStorage,
  migrations: readonly Migration[],
  now: Date,
): MigrationReport {
  assertMigrationList(migrations);
  const sql = storage.sql;
  const from = schemaVersion(sql);
  const unversioned = from === 0 && hasDataTables(sql);
  const pending = migrations.filter((m) => m.version > from);
  if (pending.length > 0) sql.exec(VERSION_TABLE);
  for (const migration of pending) {
    storage.transactionSync(() => {
      migration.up(sql, now);
      sql.exec(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        migration.version,
        migration.name,
        now.toISOString(),
      );
    });
  }
  if (unversioned) console.log(`upgraded an unversioned object to schema ${migrations.length}`);
  return { from, to: Math.max(from, migrations.length), unversioned };
}

/** A migration that runs one SQL script (several statements allowed). */
export function sqlMigration(version: number, name: string, script: string): Migration {
  return { version, name, up: (sql) => void sql.exec(script) };
}
