/**
 * Tables of an organization's Durable Object. Idempotent: run on every start.
 * docs/storage.md documents each table with an example row.
 */
export const ORG_SCHEMA = `
CREATE TABLE IF NOT EXISTS organization (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, slug TEXT NOT NULL,
  sso_allowed INTEGER NOT NULL, jit_provisioning INTEGER NOT NULL, active_sso TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS domains (
  domain TEXT PRIMARY KEY, verified INTEGER NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS connections (
  id TEXT PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL, provider TEXT NOT NULL,
  state TEXT NOT NULL, domains TEXT NOT NULL, settings TEXT NOT NULL, secrets TEXT NOT NULL,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
  id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, first_name TEXT, last_name TEXT,
  connection_id TEXT, idp_subject TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS members_by_subject ON members (connection_id, idp_subject);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, type TEXT NOT NULL, actor TEXT NOT NULL, target TEXT,
  data TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (created_at);
`;
