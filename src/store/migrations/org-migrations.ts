import { SWEEP_SLACK_MS } from "../org/expiry-sweep";
import { SCHEDULED_TASKS_SCHEMA } from "../scheduler/task-queue";
import { OUTBOX_SCHEMA } from "../../webhooks/outbox-schema";
import { sqlMigration, type Migration } from "./run-migrations";

/**
 * The schema of the unversioned release, verbatim (it was `ORG_SCHEMA` in
 * `src/store/org/schema.ts`): idempotent, so it also adopts an object that release wrote.
 * Never edit a released migration; add a step. docs/storage.md documents every table.
 */
const INITIAL_ORGANIZATION = `CREATE TABLE IF NOT EXISTS organization (
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
-- cached discovery document and JWKS of an OIDC connection's IdP (oidc-cache-ops.ts)
CREATE TABLE IF NOT EXISTS oidc_idp_cache (
  connection_id TEXT PRIMARY KEY, issuer TEXT NOT NULL, metadata TEXT, metadata_fetched_at INTEGER NOT NULL,
  jwks TEXT, jwks_fetched_at INTEGER
);
`;

/** Single-use login state (SPEC §3, §4), as the unversioned release created it (`LOGIN_SCHEMA`). */
const INITIAL_LOGIN_STATE = `CREATE TABLE IF NOT EXISTS pending_logins (
  relay_state TEXT PRIMARY KEY, request_id TEXT NOT NULL UNIQUE, connection_id TEXT NOT NULL,
  client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, state TEXT, nonce TEXT, code_challenge TEXT,
  scope TEXT NOT NULL, login_hint TEXT, browser_hash TEXT NOT NULL, upstream TEXT,
  created_at TEXT NOT NULL, expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_codes (
  code_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, code_challenge TEXT,
  nonce TEXT, scope TEXT NOT NULL, member_id TEXT NOT NULL, profile TEXT NOT NULL, expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS assertion_replay (
  assertion_id TEXT PRIMARY KEY, connection_id TEXT NOT NULL, expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS spent_codes (
  code_hash TEXT PRIMARY KEY, expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS code_tokens (
  code_hash TEXT NOT NULL, token_hash TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (code_hash, token_hash)
);
CREATE TABLE IF NOT EXISTS access_tokens (
  token_hash TEXT PRIMARY KEY, client_id TEXT NOT NULL, member_id TEXT NOT NULL, scope TEXT NOT NULL,
  profile TEXT NOT NULL, expires_at INTEGER NOT NULL
);
`;

/** The expiry sweep deletes by `expires_at`: an index per table keeps it a seek, whatever the table's size. */
const EXPIRY_INDEXES = `
CREATE INDEX IF NOT EXISTS pending_logins_by_expiry ON pending_logins (expires_at);
CREATE INDEX IF NOT EXISTS auth_codes_by_expiry ON auth_codes (expires_at);
CREATE INDEX IF NOT EXISTS assertion_replay_by_expiry ON assertion_replay (expires_at);
CREATE INDEX IF NOT EXISTS access_tokens_by_expiry ON access_tokens (expires_at);
CREATE INDEX IF NOT EXISTS spent_codes_by_expiry ON spent_codes (expires_at);
CREATE INDEX IF NOT EXISTS code_tokens_by_expiry ON code_tokens (expires_at);
`;

/** EXPIRING_TABLES when migration 4 was released (it may not read a list later steps grow). */
const RELEASED_EXPIRING_TABLES = [
  "pending_logins",
  "auth_codes",
  "assertion_replay",
  "access_tokens",
  "spent_codes",
  "code_tokens",
] as const;

/**
 * Failed sign-in attempts at the hosted LDAP form, counted per key (a hashed username or
 * client IP) in a sliding window (SPEC §9 throttle, store/org/login-throttle.ts); swept by
 * `expires_at` like the other expiring tables.
 */
const LOGIN_THROTTLE = `
CREATE TABLE IF NOT EXISTS login_throttle (
  key TEXT NOT NULL, attempt_id TEXT NOT NULL, at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (key, attempt_id)
);
CREATE INDEX IF NOT EXISTS login_throttle_by_key ON login_throttle (key, at);
CREATE INDEX IF NOT EXISTS login_throttle_by_expiry ON login_throttle (expires_at);
`;

/**
 * Rows written before the scheduler existed have no sweep due: schedule one (at start plus
 * the sweep's slack) when any expiring table holds rows.
 */
const firstSweep: Migration = {
  version: 4,
  name: "schedule-first-sweep",
  up(sql, now) {
    // The expiring tables as this step was released: a table a later step creates does not exist yet here.
    const any = RELEASED_EXPIRING_TABLES.map((t) => `EXISTS (SELECT 1 FROM ${t})`).join(" OR ");
    sql.exec(
      `INSERT OR IGNORE INTO scheduled_tasks (kind, key, due_at) SELECT 'expiry-sweep', 'login-state', ? WHERE ${any}`,
      now.getTime() + SWEEP_SLACK_MS,
    );
  },
};

/**
 * Events as the org's truth (SPEC §2, §6): `GET …/events?referenceId=` finds a login failure
 * through an index on the reference id its data holds (rows of every release included), and
 * the outbox tables carry each new event to the app-wide feed and to webhook endpoints.
 */
const EVENT_OUTBOX = `
CREATE INDEX IF NOT EXISTS events_by_reference ON events (json_extract(data, '$.referenceId'));
${OUTBOX_SCHEMA}`;

/**
 * Self-service setup links (SPEC §2 `setup-links`, §9): the token stored as its SHA-256,
 * the one connection a link creates, how it ended; the test sign-ins run through the
 * portal (their results, shown on a portal page); and the pending login's mark that it is
 * such a test (the link, and the link's token sealed, so the ACS can end on the portal).
 */
const SETUP_LINKS = `
CREATE TABLE IF NOT EXISTS setup_links (
  id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, csrf_token TEXT NOT NULL,
  connection_type TEXT, connection_id TEXT, expires_at INTEGER NOT NULL, created_at TEXT NOT NULL,
  revoked_at TEXT, used_at TEXT
);
CREATE TABLE IF NOT EXISTS setup_tests (
  id TEXT PRIMARY KEY, link_id TEXT NOT NULL, connection_id TEXT NOT NULL, outcome TEXT NOT NULL,
  result TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS setup_tests_by_link ON setup_tests (link_id, created_at);
ALTER TABLE pending_logins ADD COLUMN setup_test TEXT;
`;

/**
 * Directory sync (SPEC §10, src/scim): the org's SCIM bearer tokens (hashed), the SCIM side
 * of a member (source, userName, externalId, active, the tombstone of a deprovisioned
 * member, the rest of its SCIM attributes and a version for ETags), groups and their
 * members, and indexes so a filter on userName, externalId, emails or displayName and a
 * deprovisioning's revocation are seeks, whatever the directory's size. `source` of a
 * member an older release wrote comes from its `user.created` event (admin or jit).
 */
const DIRECTORY_SYNC = `
CREATE TABLE IF NOT EXISTS scim_tokens (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL,
  last_used_at TEXT
);
ALTER TABLE members ADD COLUMN source TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE members ADD COLUMN user_name TEXT;
ALTER TABLE members ADD COLUMN external_id TEXT;
ALTER TABLE members ADD COLUMN display_name TEXT;
ALTER TABLE members ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE members ADD COLUMN deleted_at TEXT;
ALTER TABLE members ADD COLUMN scim_attributes TEXT;
ALTER TABLE members ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
UPDATE members SET source = COALESCE(
  (SELECT json_extract(e.data, '$.source') FROM events e WHERE e.type = 'user.created' AND e.target = members.id
   AND json_extract(e.data, '$.source') IN ('admin', 'jit') LIMIT 1), 'admin');
CREATE UNIQUE INDEX IF NOT EXISTS members_by_user_name ON members (user_name COLLATE NOCASE) WHERE user_name IS NOT NULL;
CREATE INDEX IF NOT EXISTS members_by_external_id ON members (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS members_by_display_name ON members (display_name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS members_by_creation ON members (created_at, id);
CREATE TABLE IF NOT EXISTS member_emails (
  member_id TEXT NOT NULL, value TEXT NOT NULL COLLATE NOCASE, PRIMARY KEY (member_id, value)
);
CREATE INDEX IF NOT EXISTS member_emails_by_value ON member_emails (value);
CREATE TABLE IF NOT EXISTS scim_groups (
  id TEXT PRIMARY KEY, display_name TEXT NOT NULL, external_id TEXT, scim_attributes TEXT,
  version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS scim_groups_by_display_name ON scim_groups (display_name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS scim_groups_by_external_id ON scim_groups (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS scim_groups_by_creation ON scim_groups (created_at, id);
CREATE TABLE IF NOT EXISTS scim_group_members (
  group_id TEXT NOT NULL, member_id TEXT NOT NULL, PRIMARY KEY (group_id, member_id)
);
CREATE INDEX IF NOT EXISTS scim_group_members_by_member ON scim_group_members (member_id);
CREATE INDEX IF NOT EXISTS auth_codes_by_member ON auth_codes (member_id);
CREATE INDEX IF NOT EXISTS access_tokens_by_member ON access_tokens (member_id);
CREATE INDEX IF NOT EXISTS code_tokens_by_token ON code_tokens (token_hash);
`;

/**
 * Sessions (SPEC §9 logout): one per completed login, named by the `sid` its ID tokens
 * carry, with the SAML NameID and SessionIndex a LogoutRequest names it by. Codes and
 * access tokens remember their session, so ending one revokes them (rows of earlier
 * releases have none and end with no session).
 */
const SESSIONS = `
CREATE TABLE IF NOT EXISTS sessions (
  sid TEXT PRIMARY KEY, member_id TEXT NOT NULL, connection_id TEXT NOT NULL, client_id TEXT NOT NULL,
  name_id TEXT, name_id_format TEXT, name_qualifier TEXT, sp_name_qualifier TEXT, session_index TEXT,
  created_at TEXT NOT NULL, expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_name_id ON sessions (connection_id, name_id);
CREATE INDEX IF NOT EXISTS sessions_by_expiry ON sessions (expires_at);
ALTER TABLE auth_codes ADD COLUMN sid TEXT;
ALTER TABLE access_tokens ADD COLUMN sid TEXT;
CREATE INDEX IF NOT EXISTS auth_codes_by_sid ON auth_codes (sid);
CREATE INDEX IF NOT EXISTS access_tokens_by_sid ON access_tokens (sid);
`;

/**
 * IdP-initiated logout (SPEC §9): the IDs of LogoutRequests already acted on, per
 * connection, until they could no longer be fresh (a replayed one is refused, like
 * `assertion_replay`); and the back-channel logout outbox — one row per ended session whose
 * client may take an OpenID Connect Back-Channel Logout token, minted per attempt with the
 * row's stable `jti`, retried for at most an hour (src/webhooks/backchannel-logout.ts).
 */
const IDP_LOGOUT = `
CREATE TABLE IF NOT EXISTS logout_request_replay (
  connection_id TEXT NOT NULL, request_id TEXT NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (connection_id, request_id)
);
CREATE INDEX IF NOT EXISTS logout_request_replay_by_expiry ON logout_request_replay (expires_at);
CREATE TABLE IF NOT EXISTS backchannel_deliveries (
  jti TEXT PRIMARY KEY, client_id TEXT NOT NULL, sid TEXT NOT NULL, sub TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, last_status INTEGER, last_error TEXT, next_attempt_at INTEGER,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS backchannel_deliveries_due ON backchannel_deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS backchannel_deliveries_by_expiry ON backchannel_deliveries (expires_at);
`;

/**
 * RP-initiated logout (SPEC §9): the LogoutRequest we sent an IdP, single-use, until its
 * LogoutResponse comes back (then kept spent, so a replay is told apart) or it expires.
 */
const LOGOUT_REQUESTS = `
CREATE TABLE IF NOT EXISTS logout_requests (
  relay_state TEXT PRIMARY KEY, request_id TEXT NOT NULL, connection_id TEXT NOT NULL, sid TEXT NOT NULL,
  return_to TEXT, created_at TEXT NOT NULL, expires_at INTEGER NOT NULL, consumed_at TEXT
);
CREATE INDEX IF NOT EXISTS logout_requests_by_expiry ON logout_requests (expires_at);
`;

/**
 * Setup links that may hand out a SCIM token (SPEC §2 `setup-links {scim: true}`, §10):
 * links of earlier releases could not, and keep that; and which link minted a token (the
 * portal lists its own), none for tokens the admin API minted.
 */
const SETUP_LINK_SCIM = `
ALTER TABLE setup_links ADD COLUMN scim INTEGER NOT NULL DEFAULT 0;
ALTER TABLE scim_tokens ADD COLUMN setup_link_id TEXT;
`;

/**
 * Certificate expiry notices (SPEC §9, store/org/certificate-expiry-task.ts): which
 * threshold (30, 7, 1 days) already fired for which certificate of which connection; and
 * the first check of every connection an older release left live, due when the object starts.
 */
const CERTIFICATE_NOTICES = `
CREATE TABLE IF NOT EXISTS certificate_notices (
  connection_id TEXT NOT NULL, fingerprint TEXT NOT NULL, threshold_days INTEGER NOT NULL, fired_at TEXT NOT NULL,
  PRIMARY KEY (connection_id, fingerprint, threshold_days)
);
`;

const certificateNotices: Migration = {
  version: 13,
  name: "certificate-notices",
  up(sql, now) {
    sql.exec(CERTIFICATE_NOTICES);
    sql.exec(
      `INSERT OR IGNORE INTO scheduled_tasks (kind, key, due_at) SELECT 'certificate-expiry', id, ? FROM connections WHERE state != 'draft'`,
      now.getTime(),
    );
  },
};

/**
 * The refresh of SAML connections' `idpMetadataUrl` (SPEC §9 "Certificates and metadata"):
 * per connection, the last answer's validators and what the last attempts gave; the IdP
 * certificates its metadata stopped listing, trusted until their drop. A connection with a
 * metadata URL written by an earlier release gets its first refresh within the hour after
 * the upgrade (spread at random, so orgs upgraded together do not read at once).
 */
const metadataRefresh: Migration = {
  version: 14,
  name: "idp-metadata-refresh",
  up(sql, now) {
    sql.exec(`
CREATE TABLE IF NOT EXISTS idp_metadata_refresh (
  connection_id TEXT PRIMARY KEY, url TEXT NOT NULL, etag TEXT, last_modified TEXT,
  last_attempt_at TEXT, last_success_at TEXT, last_error TEXT, failures INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER, valid_until TEXT, cache_duration_ms INTEGER, warning TEXT
);
CREATE TABLE IF NOT EXISTS idp_certificate_drops (
  connection_id TEXT NOT NULL, fingerprint_sha256 TEXT NOT NULL, certificate TEXT NOT NULL,
  unlisted_at TEXT NOT NULL, drop_at INTEGER NOT NULL, PRIMARY KEY (connection_id, fingerprint_sha256)
);`);
    sql.exec(
      `INSERT OR IGNORE INTO idp_metadata_refresh (connection_id, url, next_at)
       SELECT id, json_extract(settings, '$.saml.idpMetadataUrl'), ? + abs(random() % 3600000) FROM connections
       WHERE type = 'saml' AND json_extract(settings, '$.saml.idpMetadataUrl') IS NOT NULL`,
      now.getTime(),
    );
    sql.exec(
      `INSERT OR IGNORE INTO scheduled_tasks (kind, key, due_at)
       SELECT 'metadata-refresh', connection_id, next_at FROM idp_metadata_refresh`,
    );
  },
};

/** Every schema step of `OrganizationStore`, in order. */
export const ORG_MIGRATIONS: readonly Migration[] = [
  sqlMigration(1, "initial", INITIAL_ORGANIZATION + INITIAL_LOGIN_STATE),
  sqlMigration(2, "expiry-indexes", EXPIRY_INDEXES),
  sqlMigration(3, "scheduled-tasks", SCHEDULED_TASKS_SCHEMA),
  firstSweep,
  sqlMigration(5, "login-throttle", LOGIN_THROTTLE),
  sqlMigration(6, "event-outbox", EVENT_OUTBOX),
  sqlMigration(7, "setup-links", SETUP_LINKS),
  sqlMigration(8, "directory-sync", DIRECTORY_SYNC),
  sqlMigration(9, "sessions", SESSIONS),
  sqlMigration(10, "idp-logout", IDP_LOGOUT),
  sqlMigration(11, "logout-requests", LOGOUT_REQUESTS),
  sqlMigration(12, "setup-link-scim", SETUP_LINK_SCIM),
  certificateNotices,
  metadataRefresh,
];
