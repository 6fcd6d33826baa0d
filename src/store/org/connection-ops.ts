import { ApiError, conflict, notFound } from "../../http/api-error";
import { changedFields } from "../../lib/changed-fields";
import { all, one, toPage, type Page, type PageRequest } from "../sql";
import { scheduleCertificateCheck } from "./certificate-expiry-task";
import { recordEvent, routingChanged, type OrgContext } from "./context";
import { rowToConnection, type ConnectionRow } from "./connection-rows";
import { requireOrganization } from "./organization-ops";
import { requireLinkConnection } from "./setup-portal-ops";
import {
  SP_KEY_SECRETS,
  type ConnectionSecrets,
  type ConnectionSettings,
  type SecretName,
} from "../../connections/settings";
import type { ConnectionRecord, ConnectionState, OrganizationRecord, SsoType } from "./types";
import { syncMetadataRefresh, withLifecycle } from "./metadata-refresh-state";

export function requireConnection(ctx: OrgContext, id: string): ConnectionRecord {
  const org = requireOrganization(ctx);
  const row = one<ConnectionRow>(ctx.sql, "SELECT * FROM connections WHERE id = ?", id);
  if (!row) throw notFound("Connection");
  return rowToConnection(row, org.id);
}

/** Connection `domains` must be domains of the org (SPEC §2). */
function assertOrgDomains(org: OrganizationRecord, domains: string[]): void {
  const owned = new Set(org.domains.map((d) => d.domain));
  const foreign = domains.filter((d) => !owned.has(d));
  if (foreign.length > 0) {
    throw new ApiError(
      400,
      "validation_failed",
      `Connection domains must be domains of the organization: ${foreign.join(", ")}`,
      foreign.map((d) => ({ path: "domains", message: `${d} is not a domain of the organization` })),
    );
  }
}

/**
 * Stores a connection row (its settings and sealed secrets as JSON); events are the caller's.
 * A write to a connection that is not a draft may add a certificate: its expiry check is due
 * now (SPEC §9 "on add").
 */
export function writeConnection(ctx: OrgContext, c: ConnectionRecord): void {
  if (c.state !== "draft") scheduleCertificateCheck(ctx, c.id);
  ctx.sql.exec(
    `INSERT OR REPLACE INTO connections (id, type, name, provider, state, domains, settings, secrets, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    c.id,
    c.type,
    c.name,
    c.provider,
    c.state,
    JSON.stringify(c.domains),
    JSON.stringify(c.settings),
    JSON.stringify(c.secrets),
    c.createdAt,
    c.updatedAt,
  );
}

/** A connection to create: any of the union's members, without what the object fills in. */
export type NewConnection = ConnectionRecord extends infer C
  ? C extends ConnectionRecord
    ? Omit<C, "organizationId" | "state" | "createdAt" | "updatedAt">
    : never
  : never;

function createConnection(ctx: OrgContext, input: NewConnection): ConnectionRecord {
  const org = requireOrganization(ctx);
  assertOrgDomains(org, input.domains);
  const now = ctx.now.toISOString();
  const record: ConnectionRecord = { ...input, organizationId: org.id, state: "draft", createdAt: now, updatedAt: now };
  writeConnection(ctx, record);
  syncMetadataRefresh(ctx, null, record);
  recordEvent(ctx, org.id, "connection.created", record.id, { type: record.type, name: record.name });
  return withLifecycle(ctx, record);
}

function listConnections(
  ctx: OrgContext,
  input: PageRequest & { type?: SsoType | undefined; state?: ConnectionState | undefined },
): Page<ConnectionRecord> {
  const org = requireOrganization(ctx);
  const rows = all<ConnectionRow>(
    ctx.sql,
    `SELECT * FROM connections WHERE (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR state = ?2)
     AND (?3 IS NULL OR (created_at, id) > (SELECT created_at, id FROM connections WHERE id = ?3))
     ORDER BY created_at, id LIMIT ?4`,
    input.type ?? null,
    input.state ?? null,
    input.after ?? null,
    input.limit + 1,
  );
  return toPage(
    rows.map((r) => withLifecycle(ctx, rowToConnection(r, org.id))),
    input.limit,
    (c) => c.id,
  );
}

export interface ConnectionPatch {
  id: string;
  name?: string | undefined;
  provider?: string | undefined;
  domains?: string[] | undefined;
  /** The connection's new settings, of its own type (a `saml` block for a SAML connection, …). */
  settings?: ConnectionSettings | undefined;
  /** Freshly sealed secrets; each one given counts as changed (the caller sends only new values). */
  secrets?: ConnectionSecrets | undefined;
  /** Refuse the write when the connection changed since the caller read it. */
  expectedUpdatedAt?: string | undefined;
  /**
   * The setup link writing through the portal: the write happens only while the link is
   * live and the connection is its own and not active (SPEC §2 `setup-links`).
   */
  setupLinkId?: string | undefined;
}

/**
 * Writes a connection's new fields. The audit events list exactly the fields whose value
 * changed (names only, never values); a patch that changes nothing writes and records nothing.
 */
function updateConnection(ctx: OrgContext, patch: ConnectionPatch): ConnectionRecord {
  if (patch.setupLinkId) requireLinkConnection(ctx, patch.setupLinkId, patch.id);
  const current = requireConnection(ctx, patch.id);
  if (patch.expectedUpdatedAt && patch.expectedUpdatedAt !== current.updatedAt) {
    throw conflict("The connection changed while this request ran; retry.");
  }
  if (patch.domains) assertOrgDomains(requireOrganization(ctx), patch.domains);
  const next: ConnectionRecord = {
    ...withSettings(current, patch.settings),
    name: patch.name ?? current.name,
    provider: patch.provider ?? current.provider,
    domains: patch.domains ?? current.domains,
    secrets: { ...current.secrets, ...patch.secrets },
    updatedAt: ctx.now.toISOString(),
  };
  return saveConnectionChange(ctx, current, next, patch.secrets ?? {});
}

/**
 * Writes a changed connection and records `connection.updated` (and, for an active one,
 * `sso_configuration.updated`) naming the fields that changed; `secrets` are those the
 * change sets. A change that changes nothing writes and records nothing.
 */
export function saveConnectionChange(
  ctx: OrgContext,
  current: ConnectionRecord,
  next: ConnectionRecord,
  secrets: ConnectionSecrets,
): ConnectionRecord {
  const changed = connectionChanges(current, next, secrets);
  if (changed.length === 0) return withLifecycle(ctx, current);
  writeConnection(ctx, next);
  syncMetadataRefresh(ctx, current, next);
  recordEvent(ctx, current.organizationId, "connection.updated", current.id, { changed });
  if (current.state === "active") {
    recordEvent(ctx, current.organizationId, "sso_configuration.updated", current.id, { changed });
    if (changed.includes("domains")) routingChanged(ctx, current.organizationId);
  }
  return withLifecycle(ctx, next);
}

/** What an update changed: names, domains, settings field by field, and the secrets it set. */
function connectionChanges(before: ConnectionRecord, after: ConnectionRecord, secrets: ConnectionSecrets): string[] {
  const fields = (c: ConnectionRecord) => ({ name: c.name, provider: c.provider, domains: c.domains, ...c.settings });
  const secretNames = Object.keys(secrets)
    // A new SP key pair shows as its certificate's change; a secret of the protocol by its name.
    .filter((name) => !SP_KEY_SECRETS.includes(name as SecretName))
    .map((name) => `${before.type}.${name}`);
  return [...changedFields(fields(before), fields(after), [before.type]), ...secretNames];
}

/** The connection with new settings; settings of another connection type are refused. */
function withSettings(connection: ConnectionRecord, settings: ConnectionSettings | undefined): ConnectionRecord {
  if (!settings) return connection;
  if (connection.type === "saml" && "saml" in settings) return { ...connection, settings };
  if (connection.type === "oidc" && "oidc" in settings) return { ...connection, settings };
  if (connection.type === "ldap" && "ldap" in settings) return { ...connection, settings };
  throw new ApiError(400, "validation_failed", `These settings are not those of a ${connection.type} connection.`);
}

/**
 * Activation, after the caller checked the connection is complete (which may need the
 * network). The first connection activated sets the org's `activeSso` (SPEC §2).
 */
function activateConnection(ctx: OrgContext, input: { id: string; expectedUpdatedAt: string }): ConnectionRecord {
  const org = requireOrganization(ctx);
  if (!org.ssoAllowed) throw new ApiError(403, "sso_not_allowed", "SSO is not allowed for this organization.");
  const current = requireConnection(ctx, input.id);
  if (current.updatedAt !== input.expectedUpdatedAt)
    throw conflict("The connection changed while it was being checked; retry.");
  if (current.state === "active") return withLifecycle(ctx, current);
  const now = ctx.now.toISOString();
  ctx.sql.exec("UPDATE connections SET state = 'active', updated_at = ? WHERE id = ?", now, current.id);
  if (org.activeSso === "none") {
    ctx.sql.exec("UPDATE organization SET active_sso = ?, updated_at = ?", current.type, now);
  }
  scheduleCertificateCheck(ctx, current.id);
  recordEvent(ctx, org.id, "connection.activated", current.id, { type: current.type });
  recordEvent(ctx, org.id, "sso_configuration.enabled", current.id, { type: current.type });
  routingChanged(ctx, org.id);
  return withLifecycle(ctx, requireConnection(ctx, current.id));
}

function deactivateConnection(ctx: OrgContext, input: { id: string }): ConnectionRecord {
  const current = requireConnection(ctx, input.id);
  if (current.state !== "active") return withLifecycle(ctx, current);
  ctx.sql.exec(
    "UPDATE connections SET state = 'inactive', updated_at = ? WHERE id = ?",
    ctx.now.toISOString(),
    current.id,
  );
  recordEvent(ctx, current.organizationId, "connection.deactivated", current.id);
  recordEvent(ctx, current.organizationId, "sso_configuration.disabled", current.id, {
    reason: "connection_deactivated",
  });
  routingChanged(ctx, current.organizationId);
  resetActiveSsoIfOrphaned(ctx);
  return withLifecycle(ctx, requireConnection(ctx, current.id));
}

/**
 * When the last active connection of the org's `activeSso` type goes, `activeSso` returns
 * to `none`, so the next connection activated (of any type) takes over, as the first one
 * did (SPEC §2), instead of logins failing on a type with no connection.
 */
function resetActiveSsoIfOrphaned(ctx: OrgContext): void {
  const org = requireOrganization(ctx);
  if (org.activeSso === "none") return;
  if (one(ctx.sql, "SELECT id FROM connections WHERE state = 'active' AND type = ? LIMIT 1", org.activeSso)) return;
  ctx.sql.exec("UPDATE organization SET active_sso = 'none', updated_at = ?", ctx.now.toISOString());
  recordEvent(ctx, org.id, "organization.active_sso_changed", org.id, {
    from: org.activeSso,
    to: "none",
    reason: "no_active_connection",
  });
}

function deleteConnection(ctx: OrgContext, input: { id: string }): ConnectionRecord {
  const current = requireConnection(ctx, input.id);
  ctx.sql.exec("DELETE FROM connections WHERE id = ?", current.id);
  syncMetadataRefresh(ctx, current, null);
  recordEvent(ctx, current.organizationId, "connection.deleted", current.id, { type: current.type });
  if (current.state === "active") {
    recordEvent(ctx, current.organizationId, "sso_configuration.disabled", current.id, {
      reason: "connection_deleted",
    });
    routingChanged(ctx, current.organizationId);
    resetActiveSsoIfOrphaned(ctx);
  }
  return current;
}

export const connectionOps = {
  getConnection: (ctx: OrgContext, input: { id: string }) => withLifecycle(ctx, requireConnection(ctx, input.id)),
  createConnection,
  listConnections,
  updateConnection,
  activateConnection,
  deactivateConnection,
  deleteConnection,
};
