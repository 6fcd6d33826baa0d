import { planCertificates, type Fingerprinted } from "../../connections/metadata-refresh/plan-certificates";
import { nextRefreshAt, retryRefreshAt } from "../../connections/metadata-refresh/refresh-schedule";
import type { MetadataValidators } from "../../connections/metadata-refresh/fetch-metadata";
import type { SamlSettings } from "../../connections/settings";
import { changedFields } from "../../lib/changed-fields";
import { one } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import { writeConnection } from "./connection-ops";
import { rowToConnection, type ConnectionRow } from "./connection-rows";
import { certificateDrops, refreshRow, scheduleRefresh, writeCertificateDrops } from "./metadata-refresh-state";
import type { SamlConnection } from "./types";

/** The SAML connection whose metadata URL is `url`, or null when it is gone or has another URL now. */
export function refreshTarget(ctx: Pick<OrgContext, "sql">, connectionId: string): SamlConnection | null {
  const org = one<{ id: string }>(ctx.sql, "SELECT id FROM organization LIMIT 1");
  const row = one<ConnectionRow>(ctx.sql, "SELECT * FROM connections WHERE id = ?", connectionId);
  if (!org || !row) return null;
  const connection = rowToConnection(row, org.id);
  return connection.type === "saml" && connection.settings.saml.idpMetadataUrl ? connection : null;
}

/**
 * Writes a refreshed IdP side of a connection (a metadata refresh, or certificates dropped
 * after the rotation's proof): what changed goes into `connection.updated` and, while the
 * connection is active, `sso_configuration.updated` (SPEC §2 "Events") with `details`. The
 * metadata document's text alone changing (a new validUntil, reformatting) is stored but is no
 * change: it configures nothing. Returns the names of the fields that changed.
 */
export function writeIdpSide(
  ctx: OrgContext,
  current: SamlConnection,
  saml: SamlSettings,
  details: Record<string, unknown>,
): string[] {
  const changed = changedFields({ saml: current.settings.saml }, { saml }, ["saml"]).filter(
    (field) => field !== "saml.idpMetadataXml",
  );
  const textChanged = saml.idpMetadataXml !== current.settings.saml.idpMetadataXml;
  if (changed.length === 0 && !textChanged) return [];
  // Only a change moves updatedAt: an admin's read-modify-write is refused only when something they saw changed.
  const updatedAt = changed.length > 0 ? ctx.now.toISOString() : current.updatedAt;
  writeConnection(ctx, { ...current, settings: { ...current.settings, saml }, updatedAt });
  if (changed.length === 0) return [];
  const data = { changed, ...details };
  recordEvent(ctx, current.organizationId, "connection.updated", current.id, data);
  if (current.state === "active")
    recordEvent(ctx, current.organizationId, "sso_configuration.updated", current.id, data);
  return changed;
}

/** A document read from the connection's metadata URL, parsed and checked, with its certificates' fingerprints. */
export interface RefreshedMetadata {
  connectionId: string;
  url: string;
  /** The connection's `updatedAt` when the read began: a write since then makes this read stale. */
  expectedUpdatedAt: string;
  /** The connection's SAML settings with the document's IdP side applied (certificates: those it lists). */
  saml: SamlSettings;
  listed: Fingerprinted[];
  configured: Fingerprinted[];
  validators: MetadataValidators;
  validUntil: Date | null;
  cacheDurationMs: number | null;
  random: number;
}

/**
 * Applies a refreshed document (SPEC §9): the IdP side it gives, with its signing
 * certificates added at once and the ones it no longer lists kept until their drop; the
 * validators and the attempt recorded; the next read scheduled. `stale` when the connection
 * changed while the document was read (the caller reads again soon).
 */
export function applyMetadataRefresh(ctx: OrgContext, m: RefreshedMetadata): { next: number } | "stale" | "gone" {
  const current = refreshTarget(ctx, m.connectionId);
  if (!current || current.settings.saml.idpMetadataUrl !== m.url) return "gone";
  if (current.updatedAt !== m.expectedUpdatedAt) return "stale";
  const plan = planCertificates({
    configured: m.configured,
    listed: m.listed,
    drops: certificateDrops(ctx, current.id),
    now: ctx.now,
  });
  writeIdpSide(
    ctx,
    current,
    { ...m.saml, idpMetadataUrl: m.url, idpCertificates: plan.certificates },
    {
      source: "metadata_refresh",
      ...(plan.added.length > 0 ? { certificatesAdded: plan.added } : {}),
      ...(plan.unlisted.length > 0 ? { certificatesUnlisted: plan.unlisted.map((d) => d.fingerprintSha256) } : {}),
    },
  );
  writeCertificateDrops(ctx, current.id, plan.drops);
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    `UPDATE idp_metadata_refresh SET etag = ?, last_modified = ?, last_attempt_at = ?, last_success_at = ?,
       last_error = NULL, failures = 0, valid_until = ?, cache_duration_ms = ?, warning = NULL WHERE connection_id = ?`,
    m.validators.etag,
    m.validators.lastModified,
    now,
    now,
    m.validUntil?.toISOString() ?? null,
    m.cacheDurationMs,
    current.id,
  );
  const next = nextRefreshAt({
    now: ctx.now.getTime(),
    cacheDurationMs: m.cacheDurationMs ?? undefined,
    validUntil: m.validUntil,
    random: m.random,
  });
  scheduleRefresh(ctx, current.id, next);
  return { next };
}

/**
 * The refresh row, when the connection still reads `url`: an admin who set another URL while
 * the read ran started the refresh afresh, and this read's outcome is not the new URL's.
 */
function currentRow(ctx: OrgContext, connectionId: string, url: string) {
  const row = refreshRow(ctx, connectionId);
  const connection = refreshTarget(ctx, connectionId);
  return row && row.url === url && connection?.settings.saml.idpMetadataUrl === url ? row : null;
}

/** A 304: what the connection holds is current; the attempt is a success and the next read is scheduled. */
export function recordNotModified(
  ctx: OrgContext,
  input: { connectionId: string; url: string; random: number },
): { next: number } | "gone" {
  const { connectionId, random } = input;
  const row = currentRow(ctx, connectionId, input.url);
  if (!row) return "gone";
  const now = ctx.now.toISOString();
  ctx.sql.exec(
    `UPDATE idp_metadata_refresh SET last_attempt_at = ?, last_success_at = ?, last_error = NULL, failures = 0
     WHERE connection_id = ?`,
    now,
    now,
    connectionId,
  );
  const validUntil = row.valid_until ? new Date(row.valid_until) : null;
  const next = nextRefreshAt({
    now: ctx.now.getTime(),
    cacheDurationMs: row.cache_duration_ms ?? undefined,
    validUntil,
    random,
  });
  scheduleRefresh(ctx, connectionId, next);
  return { next };
}

/**
 * A read that gave no usable document (network, status, unparseable, SP metadata, no
 * certificate, a URL the policy refuses, expired): recorded, retried with backoff, and the
 * working configuration untouched (SPEC §9). `warning` is set for expired metadata.
 */
export function recordRefreshFailure(
  ctx: OrgContext,
  input: { connectionId: string; url: string; error: string; warning?: string },
): { next: number } | "gone" {
  const row = currentRow(ctx, input.connectionId, input.url);
  if (!row) return "gone";
  const failures = row.failures + 1;
  ctx.sql.exec(
    `UPDATE idp_metadata_refresh SET last_attempt_at = ?, last_error = ?, failures = ?, warning = ?
     WHERE connection_id = ?`,
    ctx.now.toISOString(),
    input.error.slice(0, 500),
    failures,
    input.warning ?? row.warning,
    input.connectionId,
  );
  const next = retryRefreshAt(ctx.now.getTime(), failures);
  scheduleRefresh(ctx, input.connectionId, next);
  return { next };
}
