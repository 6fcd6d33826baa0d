import { OUTBOX_SCHEMA } from "../../webhooks/outbox-schema";
import { SCHEDULED_TASKS_SCHEMA } from "../scheduler/task-queue";
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

/**
 * The app-wide objects get the scheduler and the outbox of the org objects (their events go
 * to the feed and, from the `webhooks` instance, to endpoints); the feed's hour shards and
 * their index; endpoints learn when they were (re-)enabled, a rotation's previous secret and
 * why they were disabled; each endpoint's delivery log.
 */
const OUTBOX_AND_FEED = `${SCHEDULED_TASKS_SCHEMA}
${OUTBOX_SCHEMA}
CREATE TABLE IF NOT EXISTS feed_shards (hour TEXT PRIMARY KEY, registered_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feed_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
ALTER TABLE webhooks ADD COLUMN enabled_at TEXT;
ALTER TABLE webhooks ADD COLUMN previous_secret_sealed TEXT;
ALTER TABLE webhooks ADD COLUMN previous_secret_expires_at INTEGER;
ALTER TABLE webhooks ADD COLUMN disabled_reason TEXT;
CREATE TABLE IF NOT EXISTS delivery_log (
  id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, organization_id TEXT, event_id TEXT NOT NULL,
  event_type TEXT NOT NULL, status TEXT NOT NULL, attempts TEXT NOT NULL, next_attempt_at INTEGER,
  created_at TEXT NOT NULL, version INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS delivery_log_by_time ON delivery_log (created_at, id);
`;

/**
 * OAuth clients get the browser origins that may call the token and userinfo endpoints
 * (CORS, SPEC §2) and their post-logout redirect URIs (SPEC §9); existing clients get none.
 */
const CLIENT_ORIGINS = `ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clients ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]';
`;

/**
 * A rotated-in signing key signs only from `signs_from` (ISO-8601), once every copy of JWKS
 * that could lack it has expired (SPEC §4: publish before signing); null in older rows means
 * `created_at`.
 */
const SIGNING_KEY_START = `ALTER TABLE signing_keys ADD COLUMN signs_from TEXT;
`;

/** Every schema step of `AppStore`, in order. */
export const APP_MIGRATIONS: readonly Migration[] = [
  sqlMigration(1, "initial", INITIAL_APP),
  sqlMigration(2, "outbox-and-feed", OUTBOX_AND_FEED),
  sqlMigration(3, "client-origins", CLIENT_ORIGINS),
  sqlMigration(4, "signing-key-start", SIGNING_KEY_START),
];
