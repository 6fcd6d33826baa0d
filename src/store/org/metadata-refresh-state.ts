import { nextRefreshAt } from "../../connections/metadata-refresh/refresh-schedule";
import type { CertificateDrop } from "../../connections/metadata-refresh/plan-certificates";
import type { MetadataValidators } from "../../connections/metadata-refresh/fetch-metadata";
import { all, one } from "../sql";
import type { OrgContext } from "./context";
import type { ConnectionRecord, SamlLifecycle } from "./types";

/**
 * The refresh of a SAML connection's `idpMetadataUrl` (SPEC §9), as the org's object keeps
 * it (docs/storage.md `idp_metadata_refresh`, `idp_certificate_drops`): the validators of the
 * last answer, what the last attempts gave, and the certificates on their way out. The
 * `metadata-refresh` task (key: the connection ID) does the reading.
 */
export const METADATA_REFRESH_TASK = "metadata-refresh";
export const CERTIFICATE_DROP_TASK = "idp-certificate-drop";

export interface RefreshRow {
  connection_id: string;
  url: string;
  etag: string | null;
  last_modified: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  failures: number;
  next_at: number | null;
  valid_until: string | null;
  cache_duration_ms: number | null;
  warning: string | null;
  [key: string]: SqlStorageValue;
}

type DropRow = {
  connection_id: string;
  fingerprint_sha256: string;
  certificate: string;
  unlisted_at: string;
  drop_at: number;
};

/** The connection view's `saml.metadataRefresh` (null for a connection without `idpMetadataUrl`). */
export interface MetadataRefreshStatus {
  url: string;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  /** Why the last attempt gave no usable document; null once one succeeded. */
  lastError: string | null;
  /** Failed attempts in a row. */
  failures: number;
  nextAt: string | null;
  /** `validUntil` of the document the configuration was read from, when it has one. */
  validUntil: string | null;
  /** Set while the configuration rests on expired metadata (it is kept: SPEC §9). */
  warning: string | null;
}

export function refreshRow(ctx: Pick<OrgContext, "sql">, connectionId: string): RefreshRow | null {
  return one<RefreshRow>(ctx.sql, "SELECT * FROM idp_metadata_refresh WHERE connection_id = ?", connectionId);
}

export function validatorsOf(row: RefreshRow | null, url: string): MetadataValidators | undefined {
  if (!row || row.url !== url || (!row.etag && !row.last_modified)) return undefined;
  return { etag: row.etag, lastModified: row.last_modified };
}

export function certificateDrops(ctx: Pick<OrgContext, "sql">, connectionId: string): CertificateDrop[] {
  return all<DropRow>(
    ctx.sql,
    "SELECT * FROM idp_certificate_drops WHERE connection_id = ? ORDER BY drop_at, fingerprint_sha256",
    connectionId,
  ).map((row) => ({
    pem: row.certificate,
    fingerprintSha256: row.fingerprint_sha256,
    unlistedAt: row.unlisted_at,
    dropAt: row.drop_at,
  }));
}

/** Replaces a connection's pending drops and keeps the drop task at the earliest one. */
export function writeCertificateDrops(ctx: OrgContext, connectionId: string, drops: readonly CertificateDrop[]): void {
  ctx.sql.exec("DELETE FROM idp_certificate_drops WHERE connection_id = ?", connectionId);
  for (const d of drops)
    ctx.sql.exec(
      "INSERT INTO idp_certificate_drops (connection_id, fingerprint_sha256, certificate, unlisted_at, drop_at) VALUES (?, ?, ?, ?, ?)",
      connectionId,
      d.fingerprintSha256,
      d.pem,
      d.unlistedAt,
      d.dropAt,
    );
  if (drops.length === 0) ctx.tasks.cancel(CERTIFICATE_DROP_TASK, connectionId);
  else ctx.tasks.schedule(CERTIFICATE_DROP_TASK, connectionId, Math.min(...drops.map((d) => d.dropAt)));
}

/** Makes the next refresh due at `at` (epoch ms), in the task and the row the view reads. */
export function scheduleRefresh(ctx: OrgContext, connectionId: string, at: number): void {
  ctx.sql.exec("UPDATE idp_metadata_refresh SET next_at = ? WHERE connection_id = ?", Math.floor(at), connectionId);
  ctx.tasks.schedule(METADATA_REFRESH_TASK, connectionId, at);
}

/**
 * Keeps the refresh in step with an admin's write of a connection (create, update, delete):
 * a SAML connection with `idpMetadataUrl` has a row and a task; a new URL starts afresh (the
 * validators belong to the old one) with a first read one interval later (the admin's own
 * import has just read it, or saving a field must not contact the IdP: SPEC §2); no URL, or
 * no connection, ends both. An admin who sets the IdP certificates themselves decides:
 * pending drops end with that write.
 */
export function syncMetadataRefresh(ctx: OrgContext, before: ConnectionRecord | null, after: ConnectionRecord | null) {
  const url = after?.type === "saml" ? after.settings.saml.idpMetadataUrl : null;
  const id = (after ?? before)!.id;
  const row = refreshRow(ctx, id);
  if (!url) {
    if (row) ctx.sql.exec("DELETE FROM idp_metadata_refresh WHERE connection_id = ?", id);
    ctx.tasks.cancel(METADATA_REFRESH_TASK, id);
    // Without a metadata URL nothing proves a rotation: the certificates stay as configured.
    if (row) writeCertificateDrops(ctx, id, []);
  } else if (row?.url !== url) {
    ctx.sql.exec(
      `INSERT OR REPLACE INTO idp_metadata_refresh (connection_id, url, failures) VALUES (?, ?, 0)`,
      id,
      url,
    );
    scheduleRefresh(ctx, id, nextRefreshAt({ now: ctx.now.getTime(), random: Math.random() }));
  }
  const certificatesBefore = before?.type === "saml" ? before.settings.saml.idpCertificates : [];
  const certificatesAfter = after?.type === "saml" ? after.settings.saml.idpCertificates : [];
  if (!after || JSON.stringify(certificatesBefore) !== JSON.stringify(certificatesAfter))
    writeCertificateDrops(ctx, id, []);
}

/** A SAML connection's refresh and rotation state, for the connection view (SPEC §9). */
export function samlLifecycle(ctx: Pick<OrgContext, "sql" | "now">, connectionId: string): SamlLifecycle {
  const row = refreshRow(ctx, connectionId);
  return {
    metadataRefresh: row ? refreshStatus(row, ctx.now) : null,
    certificateDrops: certificateDrops(ctx, connectionId),
  };
}

function refreshStatus(row: RefreshRow, now: Date): MetadataRefreshStatus {
  const expired = row.valid_until !== null && Date.parse(row.valid_until) <= now.getTime();
  return {
    url: row.url,
    lastAttemptAt: row.last_attempt_at,
    lastSuccessAt: row.last_success_at,
    lastError: row.last_error,
    failures: row.failures,
    nextAt: row.next_at === null ? null : new Date(row.next_at).toISOString(),
    validUntil: row.valid_until,
    warning:
      row.warning ??
      (expired
        ? `The IdP metadata expired at ${row.valid_until} (validUntil) and no newer document could be read; the configuration read before is kept.`
        : null),
  };
}

/** The connection with its lifecycle state attached, for the API's view of it. */
export function withLifecycle<C extends ConnectionRecord>(ctx: Pick<OrgContext, "sql" | "now">, connection: C): C {
  return connection.type === "saml" ? { ...connection, lifecycle: samlLifecycle(ctx, connection.id) } : connection;
}
