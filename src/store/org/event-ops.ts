import { all, toPage, type Page, type PageRequest } from "../sql";
import type { OrgContext } from "./context";
import { requireOrganization } from "./organization-ops";
import type { AuditEvent } from "./types";

type EventRow = { id: string; type: string; actor: string; target: string | null; data: string; created_at: string };

/**
 * The org's audit log, newest first; filters `type`, `since` and `referenceId` (SPEC §2: a
 * login failure by the reference id its error page showed, through `events_by_reference`).
 */
function listEvents(
  ctx: OrgContext,
  input: PageRequest & { type?: string | undefined; since?: string | undefined; referenceId?: string | undefined },
): Page<AuditEvent> {
  const org = requireOrganization(ctx);
  const rows = input.referenceId
    ? all<EventRow>(
        ctx.sql,
        "SELECT * FROM events WHERE json_extract(data, '$.referenceId') = ? ORDER BY created_at DESC, id DESC LIMIT 2",
        input.referenceId,
      )
    : all<EventRow>(
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
    organizationId: org.id,
    target: r.target,
    data: JSON.parse(r.data) as Record<string, unknown>,
    createdAt: r.created_at,
  }));
  return toPage(events, input.limit, (e) => e.id);
}

export const eventOps = { listEvents };
