import { all, toPage, type Page, type PageRequest } from "../sql";
import type { AuditEvent } from "../org/types";
import type { AppContext } from "./context";

type Row = {
  id: string;
  organization_id: string | null;
  type: string;
  actor: string;
  target: string | null;
  data: string;
  created_at: string;
};

/** Appends events to the app-wide audit log (idempotent by event id). */
function appendEvents(ctx: AppContext, input: { events: AuditEvent[] }): void {
  for (const e of input.events) {
    ctx.sql.exec(
      "INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
      e.id,
      e.organizationId,
      e.type,
      e.actor,
      e.target,
      JSON.stringify(e.data),
      e.createdAt,
    );
  }
}

/** The app-wide audit log, newest first (`GET /events`). */
function listAppEvents(
  ctx: AppContext,
  input: PageRequest & { type?: string | undefined; since?: string | undefined },
): Page<AuditEvent> {
  const rows = all<Row>(
    ctx.sql,
    `SELECT * FROM events WHERE (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR created_at >= ?2)
     AND (?3 IS NULL OR (created_at, id) < (SELECT created_at, id FROM events WHERE id = ?3))
     ORDER BY created_at DESC, id DESC LIMIT ?4`,
    input.type ?? null,
    input.since ?? null,
    input.after ?? null,
    input.limit + 1,
  );
  const events = rows.map((r): AuditEvent => ({
    id: r.id,
    type: r.type,
    actor: r.actor,
    organizationId: r.organization_id,
    target: r.target,
    data: JSON.parse(r.data) as Record<string, unknown>,
    createdAt: r.created_at,
  }));
  return toPage(events, input.limit, (e) => e.id);
}

export const eventLogOps = { appendEvents, listAppEvents };
