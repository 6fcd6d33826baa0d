import { sqlMigration, type Migration } from "./run-migrations";

/**
 * The tables of the app-wide objects as the unversioned release created them (it was
 * `APP_SCHEMA` in `src/store/app/schema.ts`), verbatim. Every instance has every table and
 * uses those of its concern.
 */
const INITIAL_APP = `CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, scope TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
  key_prefix TEXT NOT NULL, created_at TEXT NOT NULL, last_used_at TEXT
);
CREATE TABLE IF NOT EXISTS clients (
  client_id TEXT PRIMARY KEY, name TEXT NOT NULL, redirect_uris TEXT NOT NULL, public INTEGER NOT NULL,
  backchannel_logout_uri TEXT, secret_hash TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhooks (
  id TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, enabled INTEGER NOT NULL,
  secret_sealed TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS organizations (
  id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY, organization_id TEXT, type TEXT NOT NULL, actor TEXT NOT NULL, target TEXT,
  data TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS app_events_by_time ON events (created_at);
CREATE TABLE IF NOT EXISTS signing_keys (
  kid TEXT PRIMARY KEY, alg TEXT NOT NULL, public_jwk TEXT NOT NULL, private_jwk_sealed TEXT NOT NULL,
  created_at TEXT NOT NULL, retired_at TEXT
);
`;

/** Every schema step of `AppStore`, in order. */
export const APP_MIGRATIONS: readonly Migration[] = [sqlMigration(1, "initial", INITIAL_APP)];
