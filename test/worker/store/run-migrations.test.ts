/** The migration runner (src/store/migrations/run-migrations.ts) on a real object's SQLite. */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  runMigrations,
  schemaVersion,
  sqlMigration,
  type Migration,
} from "../../../src/store/migrations/run-migrations";
import type { DomainClaim } from "../../../src/store/domain-claim";

/** Runs `fn` on the storage of a new object emptied of every table, as if it had never started. */
function onEmptyStorage<R>(fn: (storage: DurableObjectStorage) => R): Promise<R> {
  const stub = env.DOMAIN_CLAIMS.get(env.DOMAIN_CLAIMS.newUniqueId());
  return runInDurableObject(stub, (_claim: DomainClaim, state) => {
    for (const { name } of state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
      )
      .toArray())
      state.storage.sql.exec(`DROP TABLE "${name}"`);
    return fn(state.storage);
  });
}

const tables = (storage: DurableObjectStorage) =>
  storage.sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name",
    )
    .toArray()
    .map((t) => t.name);

const steps: Migration[] = [
  sqlMigration(1, "initial", "CREATE TABLE IF NOT EXISTS a (id TEXT PRIMARY KEY)"),
  sqlMigration(2, "add-b", "CREATE TABLE b (id TEXT PRIMARY KEY); INSERT INTO b VALUES ('seed')"),
];

describe("runMigrations", () => {
  it("runs every step in order once, and records each with its name", async () => {
    const result = await onEmptyStorage((storage) => {
      const first = runMigrations(storage, steps, new Date("2026-01-01T00:00:00Z"));
      const again = runMigrations(storage, steps, new Date("2026-01-02T00:00:00Z"));
      const recorded = storage.sql.exec("SELECT * FROM schema_migrations ORDER BY version").toArray();
      return { first, again, recorded, tables: tables(storage), version: schemaVersion(storage.sql) };
    });
    expect(result.first).toEqual({ from: 0, to: 2, unversioned: false });
    expect(result.again).toEqual({ from: 2, to: 2, unversioned: false });
    expect(result.recorded).toEqual([
      { version: 1, name: "initial", applied_at: "2026-01-01T00:00:00.000Z" },
      { version: 2, name: "add-b", applied_at: "2026-01-01T00:00:00.000Z" },
    ]);
    expect(result.tables).toEqual(["a", "b", "schema_migrations"]);
    expect(result.version).toBe(2);
  });

  it("a failing step rolls back alone; the next start resumes from it", async () => {
    const broken: Migration = {
      version: 2,
      name: "add-b",
      up(sql) {
        sql.exec("CREATE TABLE b (id TEXT PRIMARY KEY)");
        throw new Error("step 2 failed half-way");
      },
    };
    const result = await onEmptyStorage((storage) => {
      let error = "";
      try {
        runMigrations(storage, [steps[0]!, broken], new Date());
      } catch (e) {
        error = (e as Error).message;
      }
      const afterFailure = { version: schemaVersion(storage.sql), tables: tables(storage) };
      const resumed = runMigrations(storage, steps, new Date());
      return { error, afterFailure, resumed, rows: storage.sql.exec("SELECT id FROM b").toArray() };
    });
    expect(result.error).toBe("step 2 failed half-way");
    expect(result.afterFailure).toEqual({ version: 1, tables: ["a", "schema_migrations"] });
    expect(result.resumed).toEqual({ from: 1, to: 2, unversioned: false });
    expect(result.rows).toEqual([{ id: "seed" }]);
  });

  it("detects an object with tables and no version as the unversioned release's", async () => {
    const result = await onEmptyStorage((storage) => {
      storage.sql.exec("CREATE TABLE a (id TEXT PRIMARY KEY); INSERT INTO a VALUES ('kept')");
      const report = runMigrations(storage, steps, new Date());
      return { report, rows: storage.sql.exec("SELECT id FROM a").toArray() };
    });
    expect(result.report).toEqual({ from: 0, to: 2, unversioned: true });
    expect(result.rows).toEqual([{ id: "kept" }]);
  });

  it("leaves a newer schema (a rollback to an older release) as it is", async () => {
    const report = await onEmptyStorage((storage) => {
      runMigrations(storage, steps, new Date());
      return runMigrations(storage, steps.slice(0, 1), new Date());
    });
    expect(report).toEqual({ from: 2, to: 2, unversioned: false });
  });

  it("refuses a misnumbered or unnamed list", async () => {
    const errors = await onEmptyStorage((storage) =>
      [[steps[1]!], [steps[0]!, steps[0]!], [sqlMigration(1, "Not Kebab", "SELECT 1")]].map((list) => {
        try {
          runMigrations(storage, list, new Date());
          return "ran";
        } catch (e) {
          return (e as Error).message;
        }
      }),
    );
    expect(errors).toEqual([
      "migration add-b is numbered 2, expected 1",
      "migration initial is numbered 1, expected 2",
      "migration 1 needs a kebab-case name",
    ]);
  });
});
