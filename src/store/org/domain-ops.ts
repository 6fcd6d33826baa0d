import { conflict } from "../../http/api-error";
import { all, one } from "../sql";
import { recordEvent, routingChanged, type OrgContext } from "./context";
import { requireOrganization } from "./organization-ops";
import { rowToConnection, type ConnectionRow } from "./connection-rows";
import type { ConnectionRecord, OrganizationRecord } from "./types";

/**
 * Adds domains (already claimed by the caller in their DomainClaim objects). A domain
 * listed again by an app-wide key becomes verified.
 */
function addDomains(ctx: OrgContext, input: { domains: string[]; verified: boolean }): OrganizationRecord {
  const org = requireOrganization(ctx);
  const now = ctx.now.toISOString();
  for (const domain of input.domains) {
    const existing = one<{ verified: number }>(ctx.sql, "SELECT verified FROM domains WHERE domain = ?", domain);
    if (!existing) {
      ctx.sql.exec("INSERT INTO domains VALUES (?, ?, ?)", domain, input.verified ? 1 : 0, now);
      recordEvent(ctx, org.id, "domain.added", domain, { verified: input.verified });
      if (input.verified) routingChanged(ctx, org.id);
    } else if (existing.verified === 0 && input.verified) {
      ctx.sql.exec("UPDATE domains SET verified = 1 WHERE domain = ?", domain);
      recordEvent(ctx, org.id, "domain.verified", domain);
      routingChanged(ctx, org.id);
    }
  }
  ctx.sql.exec("UPDATE organization SET updated_at = ?", now);
  return requireOrganization(ctx);
}

/** Removes domains; refuses one that a connection still lists. */
function removeDomains(ctx: OrgContext, input: { domains: string[] }): OrganizationRecord {
  const org = requireOrganization(ctx);
  const connections = all<ConnectionRow>(ctx.sql, "SELECT * FROM connections").map((r) => rowToConnection(r, org.id));
  for (const domain of input.domains) {
    const user = connections.find((c) => c.domains.includes(domain));
    if (user) throw conflict(`Domain ${domain} is listed by connection ${user.id}; remove it there first.`);
  }
  for (const domain of input.domains) {
    const removed = one<{ verified: number }>(
      ctx.sql,
      "DELETE FROM domains WHERE domain = ? RETURNING verified",
      domain,
    );
    if (!removed) continue;
    recordEvent(ctx, org.id, "domain.removed", domain);
    // Only a verified domain is in the KV index, and only as this org's: dropping an
    // unverified one must not delete the entry of the org that verified it.
    if (removed.verified === 1) routingChanged(ctx, org.id, [domain]);
  }
  ctx.sql.exec("UPDATE organization SET updated_at = ?", ctx.now.toISOString());
  return requireOrganization(ctx);
}

/**
 * Another org verified a domain this org had added unverified (SPEC §2 "Domains"): it
 * leaves this org and its connections, with a `domain.removed` event that names no org.
 * A domain this org verified is never taken (the claim object makes that impossible; this
 * refuses it too).
 */
function evictDomain(ctx: OrgContext, input: { domain: string }): OrganizationRecord {
  const org = requireOrganization(ctx);
  const held = org.domains.find((d) => d.domain === input.domain);
  if (!held || held.verified) return org;
  ctx.sql.exec("DELETE FROM domains WHERE domain = ?", input.domain);
  const rows = all<{ id: string; domains: string }>(ctx.sql, "SELECT id, domains FROM connections").filter((r) =>
    (JSON.parse(r.domains) as string[]).includes(input.domain),
  );
  for (const row of rows) {
    const domains = (JSON.parse(row.domains) as string[]).filter((d) => d !== input.domain);
    ctx.sql.exec(
      "UPDATE connections SET domains = ?, updated_at = ? WHERE id = ?",
      JSON.stringify(domains),
      ctx.now.toISOString(),
      row.id,
    );
  }
  // A connection that listed only this domain now lists none, which can change where the
  // org's verified domains route.
  if (rows.length > 0) routingChanged(ctx, org.id);
  recordEvent(ctx, org.id, "domain.removed", input.domain, {
    reason: "verified_by_another_organization",
    ...(rows.length > 0 ? { connections: rows.map((r) => r.id) } : {}),
  });
  ctx.sql.exec("UPDATE organization SET updated_at = ?", ctx.now.toISOString());
  return requireOrganization(ctx);
}

/** Why a domain routes no login, or the connection it routes to (SPEC §2 "Routing a login"). */
export type DomainRoute =
  | { ok: true; organization: OrganizationRecord; connection: ConnectionRecord }
  | { ok: false; reason: "not_owned" | "unverified_domain" | "sso_not_allowed" | "no_active_connection" };

function routeDomain(ctx: OrgContext, input: { domain: string }): DomainRoute {
  const org = one(ctx.sql, "SELECT id FROM organization LIMIT 1") ? requireOrganization(ctx) : null;
  const domain = org?.domains.find((d) => d.domain === input.domain);
  if (!org || !domain) return { ok: false, reason: "not_owned" };
  if (!domain.verified) return { ok: false, reason: "unverified_domain" };
  return routeOrganization(ctx, org, input.domain);
}

/**
 * The org's active connection of type `activeSso` that lists the domain, else its active
 * connection of that type that lists no domains.
 */
export function routeOrganization(ctx: OrgContext, org: OrganizationRecord, domain: string | null): DomainRoute {
  if (!org.ssoAllowed) return { ok: false, reason: "sso_not_allowed" };
  if (org.activeSso === "none") return { ok: false, reason: "no_active_connection" };
  const candidates = all<ConnectionRow>(
    ctx.sql,
    "SELECT * FROM connections WHERE state = 'active' AND type = ? ORDER BY created_at, id",
    org.activeSso,
  ).map((r) => rowToConnection(r, org.id));
  const connection =
    (domain ? candidates.find((c) => c.domains.includes(domain)) : undefined) ??
    candidates.find((c) => c.domains.length === 0);
  return connection ? { ok: true, organization: org, connection } : { ok: false, reason: "no_active_connection" };
}

/**
 * What an operation reports when it changed the org's routing (`routingChanged`): the
 * routing table the KV domain index mirrors (each verified domain and the connection it
 * routes to now) and the domains the org gave up. src/domains/domain-index.ts applies it.
 */
export interface DomainIndexUpdate {
  organizationId: string;
  entries: { domain: string; connectionId: string | null }[];
  /** Domains whose KV entries go: removed from the org, or the org deleted. */
  removed: string[];
}

/** The report of the operation that just ran in `ctx`, read in its transaction; null when routing is unchanged. */
export function domainIndexUpdate(ctx: OrgContext): DomainIndexUpdate | null {
  const change = ctx.routingChange;
  if (!change) return null;
  const org = one(ctx.sql, "SELECT id FROM organization LIMIT 1") ? requireOrganization(ctx) : null;
  const entries = (org?.domains ?? [])
    .filter((d) => d.verified)
    .map((d) => {
      const route = routeOrganization(ctx, org!, d.domain);
      return { domain: d.domain, connectionId: route.ok ? route.connection.id : null };
    });
  const removed = [...new Set(change.removed)].filter((d) => !entries.some((e) => e.domain === d));
  return { organizationId: change.organizationId, entries, removed };
}

/** `organization_id` routing: the org's active connection of type `activeSso`. */
function routeOrganizationId(ctx: OrgContext): DomainRoute {
  const org = one(ctx.sql, "SELECT id FROM organization LIMIT 1") ? requireOrganization(ctx) : null;
  if (!org) return { ok: false, reason: "not_owned" };
  if (!org.ssoAllowed) return { ok: false, reason: "sso_not_allowed" };
  const connection = all<ConnectionRow>(
    ctx.sql,
    "SELECT * FROM connections WHERE state = 'active' AND type = ? ORDER BY created_at, id LIMIT 1",
    org.activeSso,
  ).map((r) => rowToConnection(r, org.id))[0];
  return connection ? { ok: true, organization: org, connection } : { ok: false, reason: "no_active_connection" };
}

/** `connection_id` routing: that connection, when it is active and the org allows SSO. */
function routeConnectionId(ctx: OrgContext, input: { connectionId: string }): DomainRoute {
  const org = one(ctx.sql, "SELECT id FROM organization LIMIT 1") ? requireOrganization(ctx) : null;
  const row = org ? one<ConnectionRow>(ctx.sql, "SELECT * FROM connections WHERE id = ?", input.connectionId) : null;
  if (!org || !row) return { ok: false, reason: "not_owned" };
  if (!org.ssoAllowed) return { ok: false, reason: "sso_not_allowed" };
  const connection = rowToConnection(row, org.id);
  return connection.state === "active"
    ? { ok: true, organization: org, connection }
    : { ok: false, reason: "no_active_connection" };
}

export const domainOps = {
  addDomains,
  removeDomains,
  evictDomain,
  routeDomain,
  routeOrganizationId,
  routeConnectionId,
};
