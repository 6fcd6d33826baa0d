/** Small typed helpers over Durable Object SQLite storage. */
export type Row = Record<string, SqlStorageValue>;

export function all<T extends Row>(sql: SqlStorage, query: string, ...params: unknown[]): T[] {
  return sql.exec<T>(query, ...params).toArray();
}

export function one<T extends Row>(sql: SqlStorage, query: string, ...params: unknown[]): T | null {
  const rows = sql.exec<T>(query, ...params).toArray();
  return rows[0] ?? null;
}

/** Number of rows changed by a write. */
export function run(sql: SqlStorage, query: string, ...params: unknown[]): number {
  return sql.exec(query, ...params).rowsWritten;
}

/** Page through rows ordered by (created_at, id); `after` is the last id of the previous page. */
export interface PageRequest {
  limit: number;
  after?: string | undefined;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export function toPage<T>(rows: T[], limit: number, idOf: (row: T) => string): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? idOf(last) : null };
}
