import { newId } from "../../lib/ids";
import type { AuditEvent } from "../org/types";

/** What an app-wide operation runs with; see org/context.ts. */
export interface AppContext {
  sql: SqlStorage;
  now: Date;
  actor: string;
  events: AuditEvent[];
}

/** Records an app-wide audit event (clients, API keys, webhooks). */
export function recordAppEvent(
  ctx: AppContext,
  type: string,
  target: string | null,
  data: Record<string, unknown> = {},
): void {
  ctx.events.push({
    id: newId("evt"),
    type,
    actor: ctx.actor,
    organizationId: null,
    target,
    data,
    createdAt: ctx.now.toISOString(),
  });
}
