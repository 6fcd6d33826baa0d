import { dueExpiryNotice } from "../../connections/certificate-expiry";
import type { AsyncTaskHandler } from "../scheduler/scheduler";
import { all, one } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import { rowToConnection, type ConnectionRow } from "./connection-rows";
import type { OrgTaskContext } from "./tasks";

/**
 * Certificate expiry notices (SPEC §9): every IdP and SP certificate of a connection that is
 * not a draft is checked when a certificate is added, when the connection is activated, and
 * daily; the tightest of the 30/7/1-day thresholds a certificate is within fires
 * `connection.certificate_expiring` once per threshold and fingerprint
 * (`certificate_notices`, docs/storage.md). One task per connection, keyed by its id.
 */
export const CERTIFICATE_CHECK_KIND = "certificate-expiry";

/** How often a live connection's certificates are checked again. */
export const CERTIFICATE_CHECK_INTERVAL_MS = 86_400_000;

/**
 * Called by every write that may add a certificate to a non-draft connection or make one
 * live (activation): the connection's check is due now, inside the write's transaction.
 */
export function scheduleCertificateCheck(ctx: OrgContext, connectionId: string): void {
  ctx.tasks.schedule(CERTIFICATE_CHECK_KIND, connectionId, ctx.now.getTime());
}

/**
 * The `certificate-expiry` task: reads the connection's certificates (an async parse and
 * digest, outside any transaction), then records the notices due in one synchronous block
 * (a Durable Object commits the writes between two awaits atomically). A connection deleted
 * or back to draft has its notices forgotten and is checked no more.
 */
export const certificateExpiryCheck: AsyncTaskHandler<OrgTaskContext> = {
  async: true,
  leaseMs: 60_000,
  async run(ctx, task) {
    const org = one<{ id: string }>(ctx.sql, "SELECT id FROM organization");
    const row = one<ConnectionRow>(ctx.sql, "SELECT * FROM connections WHERE id = ?", task.key);
    if (!org || !row || row.state === "draft") {
      ctx.sql.exec("DELETE FROM certificate_notices WHERE connection_id = ?", task.key);
      return undefined;
    }
    const connection = rowToConnection(row, org.id);
    const { connectionCertificates } = await import("../../connections/certificate-list");
    const certificates = await connectionCertificates(connection, ctx.now);
    // The connection may have changed during the await: a write to it schedules another check.
    const fired = new Set(
      all<{ fingerprint: string; threshold_days: number }>(
        ctx.sql,
        "SELECT fingerprint, threshold_days FROM certificate_notices WHERE connection_id = ?",
        connection.id,
      ).map((n) => `${n.fingerprint}/${n.threshold_days}`),
    );
    const seen = new Set<string>();
    for (const certificate of certificates) {
      if (seen.has(certificate.fingerprintSha256)) continue;
      seen.add(certificate.fingerprintSha256);
      const notice = dueExpiryNotice(new Date(certificate.notAfter), ctx.now);
      if (!notice || fired.has(`${certificate.fingerprintSha256}/${notice.thresholdDays}`)) continue;
      ctx.sql.exec(
        "INSERT INTO certificate_notices (connection_id, fingerprint, threshold_days, fired_at) VALUES (?, ?, ?, ?)",
        connection.id,
        certificate.fingerprintSha256,
        notice.thresholdDays,
        ctx.now.toISOString(),
      );
      recordEvent(ctx, org.id, "connection.certificate_expiring", connection.id, {
        connectionId: connection.id,
        certificate: {
          fingerprintSha256: certificate.fingerprintSha256,
          notAfter: certificate.notAfter,
          role: certificate.role,
        },
        daysLeft: notice.daysLeft,
      });
    }
    // Notices of certificates the connection no longer has are forgotten (the table stays bounded).
    for (const fingerprint of new Set([...fired].map((key) => key.split("/")[0]!))) {
      if (!seen.has(fingerprint))
        ctx.sql.exec(
          "DELETE FROM certificate_notices WHERE connection_id = ? AND fingerprint = ?",
          connection.id,
          fingerprint,
        );
    }
    return { rescheduleAt: ctx.now.getTime() + CERTIFICATE_CHECK_INTERVAL_MS };
  },
};
