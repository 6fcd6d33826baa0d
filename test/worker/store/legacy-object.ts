/**
 * Builds an object as the unversioned release left it: its tables from that release's SQL
 * (test/fixtures/storage/*-v0.sql), rows as it wrote them, no recorded schema version and
 * no alarm. The object is then evicted, so the next call starts it with today's code.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";

const OWN_TABLES = `SELECT name FROM sqlite_master WHERE type = 'table'
  AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`;

export async function writeAsUnversionedRelease(
  stub: DurableObjectStub,
  schema: string,
  rows: string,
): Promise<Record<string, Record<string, SqlStorageValue>[]>> {
  const snapshot = await runInDurableObject(stub, async (_instance: unknown, state) => {
    const sql = state.storage.sql;
    // Starting the object ran today's migrations: undo them all, down to an empty database.
    for (const { name } of sql.exec<{ name: string }>(OWN_TABLES).toArray()) sql.exec(`DROP TABLE "${name}"`);
    await state.storage.deleteAlarm();
    sql.exec(schema);
    sql.exec(rows);
    const tables = sql.exec<{ name: string }>(OWN_TABLES).toArray();
    return Object.fromEntries(tables.map(({ name }) => [name, tableRows(state, name)]));
  });
  await evictDurableObject(stub);
  return snapshot;
}

/** The object's tables and indexes as SQLite records them, for comparing two objects' schemas. */
export function schemaShape(state: DurableObjectState): { type: string; name: string; sql: string | null }[] {
  return state.storage.sql
    .exec<{ type: string; name: string; sql: string | null }>(
      `SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '\\_cf\\_%' ESCAPE '\\'
       AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name`,
    )
    .toArray();
}

/** Every row of a table, for comparing before and after. */
export function tableRows(state: DurableObjectState, table: string): Record<string, SqlStorageValue>[] {
  return state.storage.sql.exec(`SELECT * FROM "${table}" ORDER BY rowid`).toArray();
}

/** The schema `build` creates on a new object's storage emptied of every table (a scratch SQLite database). */
export async function shapeBuiltBy(build: (sql: SqlStorage) => void) {
  const stub = env.DOMAIN_CLAIMS.get(env.DOMAIN_CLAIMS.newUniqueId());
  return runInDurableObject(stub, (_instance: unknown, state) => {
    const sql = state.storage.sql;
    for (const { name } of sql.exec<{ name: string }>(OWN_TABLES).toArray()) sql.exec(`DROP TABLE "${name}"`);
    build(sql);
    return schemaShape(state);
  });
}
