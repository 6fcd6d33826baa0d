import { ApiError, conflict, notFound } from "../../http/api-error";
import { changedFields } from "../../lib/changed-fields";
import { all, one } from "../sql";
import { recordEvent, routingChanged, type OrgContext } from "./context";
import { EXPIRING_TABLES } from "./expiry-sweep";
import { revokeAllSetupLinks } from "./setup-link-ops";
import type { ActiveSso, OrganizationRecord } from "./types";

type OrgRow = {
  id: string;
  name: string;
  slug: string;
  sso_allowed: number;
  jit_provisioning: number;
  active_sso: string;
  created_at: string;
  updated_at: string;
};

/** The org, or 404. */
export function requireOrganization(ctx: OrgContext): OrganizationRecord {
  const row = one<OrgRow>(ctx.sql, "SELECT * FROM organization LIMIT 1");
  if (!row) throw notFound("Organization");
  const domains = all<{ domain: string; verified: number }>(
    ctx.sql,
    "SELECT domain, verified FROM domains ORDER BY created_at, domain",
  );
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    ssoAllowed: row.sso_allowed === 1,
    jitProvisioning: row.jit_provisioning === 1,
    activeSso: row.active_sso as ActiveSso,
    domains: domains.map((d) => ({ domain: d.domain, verified: d.verified === 1 })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface CreateOrganizationInput {
  id: string;
  name: string;
  slug: string;
  ssoAllowed: boolean;
  jitProvisioning: boolean;
  domains: { domain: string; verified: boolean }[];
}

function createOrganization(ctx: OrgContext, input: CreateOrganizationInput): OrganizationRecord {
  if (one(ctx.sql, "SELECT id FROM organization LIMIT 1")) throw conflict("Organization already exists");
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    "INSERT INTO organization VALUES (?, ?, ?, ?, ?, 'none', ?, ?)",
    input.id,
    input.name,
    input.slug,
    input.ssoAllowed ? 1 : 0,
    input.jitProvisioning ? 1 : 0,
    now,
    now,
  );
  for (const d of input.domains) {
    ctx.sql.exec("INSERT INTO domains VALUES (?, ?, ?)", d.domain, d.verified ? 1 : 0, now);
  }
  recordEvent(ctx, input.id, "organization.created", input.id, {
    name: input.name,
    domains: input.domains.map((d) => d.domain),
  });
  if (input.domains.some((d) => d.verified)) routingChanged(ctx, input.id);
  return requireOrganization(ctx);
}

export interface UpdateOrganizationInput {
  name?: string | undefined;
  slug?: string | undefined;
  jitProvisioning?: boolean | undefined;
}

function updateOrganization(ctx: OrgContext, input: UpdateOrganizationInput): OrganizationRecord {
  const org = requireOrganization(ctx);
  const next = {
    name: input.name ?? org.name,
    slug: input.slug ?? org.slug,
    jitProvisioning: input.jitProvisioning ?? org.jitProvisioning,
  };
  const changed = changedFields({ name: org.name, slug: org.slug, jitProvisioning: org.jitProvisioning }, next);
  // A PATCH that changes none of these (domains only, or the same values) records nothing here.
  if (changed.length === 0) return org;
  ctx.sql.exec(
    "UPDATE organization SET name = ?, slug = ?, jit_provisioning = ?, updated_at = ?",
    next.name,
    next.slug,
    next.jitProvisioning ? 1 : 0,
    ctx.now.toISOString(),
  );
  recordEvent(ctx, org.id, "organization.updated", org.id, { changed });
  return requireOrganization(ctx);
}

/** Whether the org has an active connection of its active SSO type (it can log anyone in). */
function hasLiveConnection(ctx: OrgContext, activeSso: ActiveSso): boolean {
  return !!one(ctx.sql, "SELECT id FROM connections WHERE state = 'active' AND type = ? LIMIT 1", activeSso);
}

/** allow_sso / disallow_sso (seed 002), with the sso_configuration events of SPEC §2. */
function setSsoAllowed(ctx: OrgContext, allowed: boolean): OrganizationRecord {
  const org = requireOrganization(ctx);
  if (org.ssoAllowed === allowed) return org;
  ctx.sql.exec("UPDATE organization SET sso_allowed = ?, updated_at = ?", allowed ? 1 : 0, ctx.now.toISOString());
  routingChanged(ctx, org.id);
  if (allowed) recordEvent(ctx, org.id, "organization.sso_allowed", org.id);
  else
    recordEvent(ctx, org.id, "organization.sso_disallowed", org.id, {
      ...revokeLoginState(ctx),
      revokedSetupLinks: revokeAllSetupLinks(ctx),
    });
  if (hasLiveConnection(ctx, org.activeSso)) {
    recordEvent(ctx, org.id, allowed ? "sso_configuration.enabled" : "sso_configuration.disabled", org.id, {
      reason: allowed ? "organization_allowed" : "organization_disallowed",
    });
  }
  return requireOrganization(ctx);
}

/**
 * SPEC §2 `disallow_sso`: nobody of the org logs in from now on, so what earlier logins
 * left usable goes in the same transaction — unspent codes (`/oauth/token` then answers
 * `invalid_grant`) and access tokens (userinfo answers 401). Pending logins stay: the ACS
 * and callbacks refuse them as `sso_not_allowed`, which tells the user why. Returns the
 * counts of live ones, for the audit event.
 */
function revokeLoginState(ctx: OrgContext): { revokedCodes: number; revokedAccessTokens: number } {
  const now = ctx.now.getTime();
  const live = (table: string) =>
    ctx.sql
      .exec(`DELETE FROM ${table} RETURNING expires_at`)
      .toArray()
      .filter((r) => Number(r.expires_at) >= now).length;
  const revokedCodes = live("auth_codes");
  const revokedAccessTokens = live("access_tokens");
  ctx.sql.exec("DELETE FROM code_tokens");
  return { revokedCodes, revokedAccessTokens };
}

function setActiveSso(ctx: OrgContext, activeSso: ActiveSso): OrganizationRecord {
  const org = requireOrganization(ctx);
  if (activeSso !== "none" && !hasLiveConnection(ctx, activeSso)) {
    throw conflict(`The organization has no active ${activeSso} connection.`);
  }
  if (org.activeSso === activeSso) return org;
  ctx.sql.exec("UPDATE organization SET active_sso = ?, updated_at = ?", activeSso, ctx.now.toISOString());
  routingChanged(ctx, org.id);
  recordEvent(ctx, org.id, "organization.active_sso_changed", org.id, { from: org.activeSso, to: activeSso });
  return requireOrganization(ctx);
}

/** The SSO types the org can switch to: those of its active connections. */
function availableSso(ctx: OrgContext): { activeSso: ActiveSso; availableSso: ActiveSso[] } {
  const org = requireOrganization(ctx);
  const types = all<{ type: string }>(
    ctx.sql,
    "SELECT DISTINCT type FROM connections WHERE state = 'active' ORDER BY type",
  );
  return { activeSso: org.activeSso, availableSso: ["none", ...types.map((t) => t.type as ActiveSso)] };
}

/** Wipes the object; returns the domains it held so the caller can release them. */
function deleteOrganization(ctx: OrgContext): { domains: string[]; organization: OrganizationRecord } {
  const org = requireOrganization(ctx);
  recordEvent(ctx, org.id, "organization.deleted", org.id, { name: org.name });
  // Only its verified domains are in the KV index as this org's (an unverified one may be verified by another).
  routingChanged(
    ctx,
    org.id,
    org.domains.filter((d) => d.verified).map((d) => d.domain),
  );
  if (org.ssoAllowed && hasLiveConnection(ctx, org.activeSso)) {
    recordEvent(ctx, org.id, "sso_configuration.disabled", org.id, { reason: "organization_deleted" });
  }
  // scheduled_tasks stays: the expiry sweep finds nothing left and does not reschedule itself.
  for (const table of [
    "organization",
    "domains",
    "connections",
    "members",
    "events",
    "oidc_idp_cache",
    "setup_links",
    "setup_tests",
    "scim_tokens",
    "member_emails",
    "scim_groups",
    "scim_group_members",
    ...EXPIRING_TABLES,
  ]) {
    ctx.sql.exec(`DELETE FROM ${table}`);
  }
  return { domains: org.domains.map((d) => d.domain), organization: org };
}

function assertSsoAllowed(ctx: OrgContext): OrganizationRecord {
  const org = requireOrganization(ctx);
  if (!org.ssoAllowed) throw new ApiError(403, "sso_not_allowed", "SSO is not allowed for this organization.");
  return org;
}

export const organizationOps = {
  getOrganization: (ctx: OrgContext) => requireOrganization(ctx),
  createOrganization,
  updateOrganization,
  setSsoAllowed,
  setActiveSso,
  getSsoSettings: availableSso,
  deleteOrganization,
  assertSsoAllowed,
};
