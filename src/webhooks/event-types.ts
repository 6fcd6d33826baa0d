/**
 * The event types a webhook endpoint can subscribe to (SPEC §6): those of sections 2 and 6
 * and 10 that edge-sso emits today, plus `webhook.disabled`; a type joins the list when
 * what emits it is built, so nothing unbuilt can be subscribed to. `user.logged_out`: a
 * session ended (SPEC §9), from either side. `connection.certificate_expiring`: SPEC §9 notices.
 */
export const WEBHOOK_EVENT_TYPES = [
  "sso_configuration.enabled",
  "sso_configuration.updated",
  "sso_configuration.disabled",
  "connection.created",
  "connection.deleted",
  "user.created",
  "user.updated",
  "user.deactivated",
  "user.deleted",
  "group.created",
  "group.updated",
  "group.deleted",
  "group.user_added",
  "group.user_removed",
  "login.succeeded",
  "login.failed",
  "user.logged_out",
  "domain.removed",
  "connection.certificate_expiring",
  "webhook.disabled",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** `["*"]` subscribes to every type. */
export const ALL_EVENTS = "*";

const DELIVERABLE: ReadonlySet<string> = new Set(WEBHOOK_EVENT_TYPES);

/** Whether some endpoint could want an event of this type (only those enter the webhook outbox). */
export function isDeliverable(type: string): boolean {
  return DELIVERABLE.has(type);
}

/** Whether an endpoint subscribed to `events` receives an event of `type`. */
export function subscribes(events: readonly string[], type: string): boolean {
  return isDeliverable(type) && (events.includes(ALL_EVENTS) || events.includes(type));
}
