/**
 * The tables of an object's outbox (SPEC §6), the same in every object that records events:
 * each organization's `OrganizationStore` and the app-wide `AppStore` instances. Part of
 * released migrations (org 6, app 2): never edit, append a step. docs/storage.md tables
 * every column.
 */
export const OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS feed_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, endpoint_id TEXT NOT NULL, event_id TEXT NOT NULL,
  event_type TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, manual INTEGER NOT NULL DEFAULT 0,
  first_attempt_at INTEGER, next_attempt_at INTEGER, created_at TEXT NOT NULL,
  revision INTEGER NOT NULL DEFAULT 0, logged_revision INTEGER NOT NULL DEFAULT -1, UNIQUE (endpoint_id, event_id)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_queue ON webhook_deliveries (status, endpoint_id, seq);
CREATE INDEX IF NOT EXISTS webhook_deliveries_manual ON webhook_deliveries (seq) WHERE manual <> 0;
CREATE INDEX IF NOT EXISTS webhook_deliveries_unlogged ON webhook_deliveries (id) WHERE revision > logged_revision;
CREATE TABLE IF NOT EXISTS webhook_attempts (
  delivery_id TEXT NOT NULL, n INTEGER NOT NULL, at TEXT NOT NULL, status INTEGER, error TEXT,
  duration_ms INTEGER NOT NULL, PRIMARY KEY (delivery_id, n)
);
CREATE TABLE IF NOT EXISTS webhook_disables (endpoint_id TEXT PRIMARY KEY, reason TEXT NOT NULL, at TEXT NOT NULL);
`;
