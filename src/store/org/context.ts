import { newEventId } from "../../lib/ids";
import { enqueueEvent } from "../../webhooks/outbox";
import type { TaskQueue } from "../scheduler/task-queue";
import type { OrgTaskKind } from "./tasks";
import type { AuditEvent } from "./types";

/**
 * What an organization operation runs with: the object's SQL storage, the clock, the
 * actor of the change, the audit events it records (returned to the caller; the object's
 * outbox carries them to the app-wide feed), and the object's task queue (scheduled in the same
 * transaction; the object re-arms its alarm after the operation commits).
 */
export interface OrgContext {
  sql: SqlStorage;
  now: Date;
  actor: string;
  events: AuditEvent[];
  tasks: TaskQueue<OrgTaskKind>;
  /** Set by an operation that changed how the org's domains route (see `routingChanged`). */
  routingChange: { organizationId: string; removed: string[] } | null;
}

/**
 * Marks that the operation changed where the org's domains route (its domains, its
 * connections' state or domains, its SSO settings), and which domains it gave up. The
 * object then reports the org's routing with the result, and the caller refreshes the KV
 * domain index from that report (src/domains/domain-index.ts), the one writer of it.
 */
export function routingChanged(ctx: OrgContext, organizationId: string, removed: string[] = []): void {
  ctx.routingChange ??= { organizationId, removed: [] };
  ctx.routingChange.removed.push(...removed);
}

/**
 * Appends an event to the org's log, the truth (SPEC §2 "Events"), and to its outbox in the
 * same transaction: the object's own tasks copy it to the app-wide feed and deliver it to
 * webhooks later, so no caller waits on anything global (SPEC §1, §6).
 */
export function recordEvent(
  ctx: OrgContext,
  organizationId: string,
  type: string,
  target: string | null,
  data: Record<string, unknown> = {},
): AuditEvent {
  const { id, createdAt } = newEventId(ctx.now);
  const event: AuditEvent = {
    id,
    type,
    actor: ctx.actor,
    organizationId,
    target,
    data,
    createdAt,
  };
  ctx.sql.exec(
    "INSERT INTO events (id, type, actor, target, data, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    event.id,
    event.type,
    event.actor,
    event.target,
    JSON.stringify(event.data),
    event.createdAt,
  );
  enqueueEvent(ctx, event, true);
  ctx.events.push(event);
  return event;
}
