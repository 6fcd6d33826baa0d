import { ApiError } from "../../http/api-error";
import { all, one } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import { connectionOps, type NewConnection } from "./connection-ops";
import { sweepBy } from "./expiry-sweep";
import { requireOrganization } from "./organization-ops";
import { bindSetupLink, markSetupLinkUsed, requireActiveLink } from "./setup-link-ops";
import type { ConnectionRecord } from "./types";

/**
 * What the setup portal changes (SPEC §9), each in one transaction with the check that the
 * link is still live and that the connection is its own and not active: a link revoked,
 * expired or used a moment ago changes nothing.
 */

/** The link's connection, or 403 when it is another one or already live. */
export function requireLinkConnection(ctx: OrgContext, linkId: string, connectionId: string): ConnectionRecord {
  const link = requireActiveLink(ctx, linkId);
  if (link.connection_id !== connectionId)
    throw new ApiError(403, "forbidden", "This setup link may change only the connection it created.");
  const connection = connectionOps.getConnection(ctx, { id: connectionId });
  if (connection.state === "active")
    throw new ApiError(403, "forbidden", "This connection is live; a setup link cannot change it.");
  return connection;
}

/** Creates the link's one connection (a draft) and binds the link to it. */
function createSetupConnection(
  ctx: OrgContext,
  input: { linkId: string; connection: NewConnection },
): ConnectionRecord {
  const link = requireActiveLink(ctx, input.linkId);
  if (link.connection_type && link.connection_type !== input.connection.type)
    throw new ApiError(400, "validation_failed", `This setup link is for a ${link.connection_type} connection.`, [
      { path: "provider", message: `choose an identity provider that uses ${link.connection_type.toUpperCase()}` },
    ]);
  // Domains, allowAnyEmailDomain and IdP-initiated targets stay as an app-wide key sets them.
  const record = connectionOps.createConnection(ctx, { ...input.connection, domains: [] });
  bindSetupLink(ctx, { id: input.linkId, connectionId: record.id, type: record.type });
  return record;
}

/**
 * Activation through the portal, after the worker checked the connection is complete:
 * the usual `connection.activated` and `sso_configuration.enabled` events, then the link
 * ends (`used`).
 */
function activateSetupConnection(
  ctx: OrgContext,
  input: { linkId: string; id: string; expectedUpdatedAt: string },
): ConnectionRecord {
  requireLinkConnection(ctx, input.linkId, input.id);
  const record = connectionOps.activateConnection(ctx, { id: input.id, expectedUpdatedAt: input.expectedUpdatedAt });
  markSetupLinkUsed(ctx, input.linkId);
  recordEvent(ctx, record.organizationId, "setup_link.used", input.linkId, { connectionId: record.id });
  return record;
}

/** The profile a test sign-in found: what the app would get (SPEC §4 `profile`). */
export interface SetupTestProfile {
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  groups: string[];
  roles: string[];
  idpId: string;
  /** SAML attributes, OIDC claims (ID token and userinfo) or LDAP attributes, as sent. */
  rawAttributes: Record<string, string[]>;
}

/** A test sign-in's result as the portal shows it (SPEC §9). */
export type SetupTestResult =
  | {
      outcome: "succeeded";
      profile: SetupTestProfile;
      /** The verified Issuer, when the connection has no entity ID yet: saved only once the admin confirms. */
      proposedEntityId: string | null;
      /** Why the app would still refuse this person (an email outside the org's domains, none at all). */
      warnings: string[];
    }
  | { outcome: "failed"; reason: string; detail: string };

export interface SetupTestRecord {
  id: string;
  linkId: string;
  connectionId: string;
  result: SetupTestResult;
  createdAt: string;
}

/**
 * Records a test sign-in (never a login: no code, no member): the result for the portal
 * page and the audit event `connection.test_succeeded|test_failed`. A verified assertion's
 * ID still enters the replay cache, so a test response cannot be replayed later. Only while
 * the link is live.
 */
function recordSetupTest(
  ctx: OrgContext,
  input: {
    id: string;
    linkId: string;
    connectionId: string;
    result: SetupTestResult;
    assertion: { id: string; expiresAt: number } | null;
  },
): SetupTestRecord {
  const org = requireOrganization(ctx);
  // A link that ended while its test ran at the IdP (revoked, expired, its org's SSO
  // disallowed) records nothing more: 403, and the portal says the link ended.
  requireActiveLink(ctx, input.linkId);
  if (input.assertion) {
    const seen = one(
      ctx.sql,
      "SELECT assertion_id FROM assertion_replay WHERE assertion_id = ? AND expires_at >= ?",
      input.assertion.id,
      ctx.now.getTime(),
    );
    if (seen) input = { ...input, result: { outcome: "failed", reason: "replayed", detail: "assertion already used" } };
    else {
      ctx.sql.exec(
        "INSERT OR REPLACE INTO assertion_replay VALUES (?, ?, ?)",
        input.assertion.id,
        input.connectionId,
        input.assertion.expiresAt,
      );
      sweepBy(ctx, input.assertion.expiresAt);
    }
  }
  const createdAt = ctx.now.toISOString();
  ctx.sql.exec(
    "INSERT INTO setup_tests (id, link_id, connection_id, outcome, result, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    input.id,
    input.linkId,
    input.connectionId,
    input.result.outcome,
    JSON.stringify(input.result),
    createdAt,
  );
  const r = input.result;
  recordEvent(
    ctx,
    org.id,
    r.outcome === "succeeded" ? "connection.test_succeeded" : "connection.test_failed",
    input.connectionId,
    r.outcome === "succeeded"
      ? { testId: input.id, email: r.profile.email }
      : { testId: input.id, reason: r.reason, detail: r.detail },
  );
  return { id: input.id, linkId: input.linkId, connectionId: input.connectionId, result: input.result, createdAt };
}

type SetupTestRow = { id: string; link_id: string; connection_id: string; result: string; created_at: string };

/** A test this link ran, or null (another link's test is not this link's to see). */
function getSetupTest(ctx: OrgContext, input: { linkId: string; id: string }): SetupTestRecord | null {
  const row = one<SetupTestRow>(
    ctx.sql,
    "SELECT * FROM setup_tests WHERE id = ? AND link_id = ?",
    input.id,
    input.linkId,
  );
  if (!row) return null;
  return {
    id: row.id,
    linkId: row.link_id,
    connectionId: row.connection_id,
    result: JSON.parse(row.result) as SetupTestResult,
    createdAt: row.created_at,
  };
}

/** One sign-in attempt of a connection as the portal lists it. */
export interface SignInAttempt {
  at: string;
  kind: "test" | "login";
  ok: boolean;
  email: string | null;
  reason: string | null;
  detail: string | null;
}

const ATTEMPT_TYPES = ["connection.test_succeeded", "connection.test_failed", "login.succeeded", "login.failed"];

/** The connection's last 20 sign-in attempts (tests and logins), newest first, from the audit log. */
function lastSignInAttempts(ctx: OrgContext, input: { connectionId: string }): SignInAttempt[] {
  const rows = all<{ type: string; target: string | null; data: string; created_at: string }>(
    ctx.sql,
    `SELECT type, target, data, created_at FROM events
     WHERE type IN (${ATTEMPT_TYPES.map(() => "?").join(", ")})
       AND (target = ? OR json_extract(data, '$.connectionId') = ?)
     ORDER BY id DESC LIMIT 20`,
    ...ATTEMPT_TYPES,
    input.connectionId,
    input.connectionId,
  );
  return rows.map((row) => {
    const data = JSON.parse(row.data) as Record<string, unknown>;
    const text = (key: string) => (typeof data[key] === "string" ? (data[key] as string) : null);
    return {
      at: row.created_at,
      kind: row.type.startsWith("connection.") ? "test" : "login",
      ok: row.type.endsWith("succeeded"),
      email: text("email"),
      reason: text("reason"),
      detail: text("detail"),
    };
  });
}

export const setupPortalOps = {
  createSetupConnection,
  activateSetupConnection,
  recordSetupTest,
  getSetupTest,
  lastSignInAttempts,
};
