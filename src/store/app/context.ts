import { newEventId } from "../../lib/ids";
import { enqueueEvent, type OutboxTaskKind } from "../../webhooks/outbox";
import type { TaskQueue } from "../scheduler/task-queue";
import type { AuditEvent } from "../org/types";
import type { AppShard } from "./ops";

/** What an app-wide operation runs with; see org/context.ts. */
export interface AppContext {
  sql: SqlStorage;
  now: Date;
  actor: string;
  events: AuditEvent[];
  /** The group of operations running (the instance's concern). */
  shard: AppShard;
  tasks: TaskQueue<OutboxTaskKind>;
}

/**
 * Records an app-wide audit event (clients, API keys, webhooks) in the instance's outbox,
 * in the operation's transaction: the instance's own task copies it to the app-wide feed;
 * the `webhooks` instance also delivers it to endpoints (`webhook.disabled`, SPEC §6).
 */
export function recordAppEvent(
  ctx: AppContext,
  type: string,
  target: string | null,
  data: Record<string, unknown> = {},
): AuditEvent {
  const { id, createdAt } = newEventId(ctx.now);
  const event: AuditEvent = {
    id,
    type,
    actor: ctx.actor,
    organizationId: null,
    target,
    data,
    createdAt,
  };
  enqueueEvent(ctx, event, ctx.shard === "webhooks");
  ctx.events.push(event);
  return event;
}
