import * as z from "zod/mini";
import { paginationQuery } from "../http/pagination";
import { outboundUrlField } from "../admin/schemas";
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES } from "./event-types";

/** An endpoint's subscriptions: event types, or `["*"]` for all (SPEC §6). */
const events = z
  .array(z.enum([...WEBHOOK_EVENT_TYPES, ALL_EVENTS]))
  .check(z.minLength(1), z.maxLength(WEBHOOK_EVENT_TYPES.length + 1));

export const createWebhookBody = z.strictObject({ url: outboundUrlField, events, enabled: z.optional(z.boolean()) });

export const updateWebhookBody = z.strictObject({
  url: z.optional(outboundUrlField),
  events: z.optional(events),
  enabled: z.optional(z.boolean()),
});

export const deliveriesQuery = z.object({
  ...paginationQuery.shape,
  status: z.optional(z.enum(["pending", "succeeded", "failed"])),
});

const isoTime = z.string();

/** An endpoint as every answer but its creation shows it: never a secret. */
export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z.nullable(z.enum(["gone", "failing"])),
  previousSecretExpiresAt: z.nullable(isoTime),
  createdAt: isoTime,
  updatedAt: isoTime,
});

/** Creation and rotation: the endpoint and its new secret, shown this once. */
export const webhookWithSecretSchema = z.object({ ...webhookSchema.shape, secret: z.string() });

/** SPEC §6 "A delivery record". */
export const deliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  endpointId: z.string(),
  organizationId: z.nullable(z.string()),
  status: z.enum(["pending", "succeeded", "failed"]),
  attempts: z.array(
    z.object({
      at: isoTime,
      status: z.optional(z.number()),
      error: z.optional(z.string()),
      durationMs: z.number(),
    }),
  ),
  nextAttemptAt: z.nullable(isoTime),
  createdAt: isoTime,
});

export const deliveryPageSchema = z.object({ data: z.array(deliverySchema), nextCursor: z.nullable(z.string()) });
export const webhookPageSchema = z.object({ data: z.array(webhookSchema), nextCursor: z.nullable(z.string()) });
