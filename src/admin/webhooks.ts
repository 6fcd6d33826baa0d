import type * as z from "zod/mini";
import type { Env } from "../env";
import { seal } from "../crypto/seal";
import { notFound } from "../http/api-error";
import { refuseOutboundUrls } from "../http/outbound-url";
import { paginationQuery, pageRequest } from "../http/pagination";
import { json } from "../http/problem";
import { route, type RouteContext } from "../http/route";
import { newId, sourceOfDelivery } from "../lib/ids";
import { appInstanceOp, appOp, orgOp } from "../store/stores";
import { closeEndpointEverywhere } from "../webhooks/close-endpoint";
import { deliveryLogName } from "../webhooks/delivery-log-ops";
import { forgetDeliveryTargets } from "../webhooks/delivery-targets";
import {
  createWebhookBody,
  deliveriesQuery,
  deliveryPageSchema,
  deliverySchema,
  updateWebhookBody,
  webhookPageSchema,
  webhookSchema,
  webhookWithSecretSchema,
} from "../webhooks/schemas";
import { newWebhookSecret } from "../webhooks/sign-webhook";
import { actorName } from "./auth";

/** The one outbound URL policy (http/outbound-url.ts), as a validation error on `url`. */
function checkUrl(env: Env, url: string | undefined): void {
  refuseOutboundUrls(env, [{ path: "url", url }]);
}

/** Standard Webhooks secret: `whsec_` + base64 of 32 random bytes; sealed at rest, shown once. */
async function createWebhook(ctx: RouteContext<z.infer<typeof createWebhookBody>>) {
  checkUrl(ctx.env, ctx.body.url);
  const secret = newWebhookSecret();
  const record = await appOp(
    ctx.env,
    "webhooks",
    "createWebhook",
    {
      id: newId("wh"),
      url: ctx.body.url,
      events: [...new Set(ctx.body.events)],
      enabled: ctx.body.enabled ?? true,
      secretSealed: await seal(ctx.env, secret),
    },
    actorName(ctx.actor),
  );
  forgetDeliveryTargets();
  return json({ ...record, secret }, 201);
}

async function updateWebhook(ctx: RouteContext<z.infer<typeof updateWebhookBody>, undefined, { webhookId: string }>) {
  checkUrl(ctx.env, ctx.body.url);
  const record = await appOp(
    ctx.env,
    "webhooks",
    "updateWebhook",
    {
      id: ctx.params.webhookId,
      ...ctx.body,
      ...(ctx.body.events ? { events: [...new Set(ctx.body.events)] } : {}),
    },
    actorName(ctx.actor),
  );
  forgetDeliveryTargets();
  if (ctx.body.enabled === false) ctx.exec.waitUntil(closeEndpointEverywhere(ctx.env, record.id));
  return json(record);
}

/** A new secret, shown once; the old one keeps signing (beside it) for 24 h (SPEC §2). */
async function rotateSecret(ctx: RouteContext<undefined, undefined, { webhookId: string }>) {
  const secret = newWebhookSecret();
  const record = await appOp(
    ctx.env,
    "webhooks",
    "rotateWebhookSecret",
    { id: ctx.params.webhookId, secretSealed: await seal(ctx.env, secret) },
    actorName(ctx.actor),
  );
  forgetDeliveryTargets();
  return json({ ...record, secret });
}

async function listDeliveries(ctx: RouteContext<undefined, z.infer<typeof deliveriesQuery>, { webhookId: string }>) {
  await appOp(ctx.env, "webhooks", "getWebhook", { id: ctx.params.webhookId });
  return json(
    await appInstanceOp(ctx.env, deliveryLogName(ctx.params.webhookId), "deliveryLog", "listDeliveries", {
      ...pageRequest(ctx.query),
      status: ctx.query.status,
    }),
  );
}

/** Sends a delivery again now, from the outbox that holds it (SPEC §6); 409 while the endpoint is disabled. */
async function retryDelivery(ctx: RouteContext<undefined, undefined, { webhookId: string; deliveryId: string }>) {
  const { webhookId, deliveryId } = ctx.params;
  const source = sourceOfDelivery(deliveryId);
  if (!source) throw notFound("Delivery");
  await appOp(ctx.env, "webhooks", "requireEnabledWebhook", { id: webhookId });
  const input = { endpointId: webhookId, deliveryId };
  const delivery =
    source === "app"
      ? await appOp(ctx.env, "webhooks", "retryDelivery", input, actorName(ctx.actor))
      : await orgOp(ctx.env, source, "retryDelivery", input, actorName(ctx.actor));
  return json(delivery, 202);
}

const tag = "Webhooks";
const WH = "/api/v1/webhooks/:webhookId";
const common = { tag, access: "app", audience: "api" } as const;
export const webhookRoutes = [
  route({
    ...common,
    method: "POST",
    path: "/api/v1/webhooks",
    summary: "Create a webhook endpoint; the secret is shown once",
    body: createWebhookBody,
    success: { status: 201, description: "The endpoint with its secret", schema: webhookWithSecretSchema },
    handler: createWebhook,
  }),
  route({
    ...common,
    method: "GET",
    path: "/api/v1/webhooks",
    summary: "List webhook endpoints",
    query: paginationQuery,
    success: { status: 200, description: "A page of endpoints", schema: webhookPageSchema },
    handler: async ({ env, query }: RouteContext<undefined, z.infer<typeof paginationQuery>>) =>
      json(await appOp(env, "webhooks", "listWebhooks", pageRequest(query))),
  }),
  route({
    ...common,
    method: "GET",
    path: WH,
    summary: "Get a webhook endpoint",
    success: { status: 200, description: "The endpoint", schema: webhookSchema },
    handler: async ({ env, params }) => json(await appOp(env, "webhooks", "getWebhook", { id: params.webhookId })),
  }),
  route({
    ...common,
    method: "PATCH",
    path: WH,
    summary: "Update a webhook endpoint (enabling it again delivers only events from then on)",
    body: updateWebhookBody,
    success: { status: 200, description: "The endpoint", schema: webhookSchema },
    handler: updateWebhook,
  }),
  route({
    ...common,
    method: "DELETE",
    path: WH,
    summary: "Delete a webhook endpoint",
    success: { status: 204, description: "Deleted" },
    handler: async (ctx) => {
      await appOp(ctx.env, "webhooks", "deleteWebhook", { id: ctx.params.webhookId }, actorName(ctx.actor));
      forgetDeliveryTargets();
      ctx.exec.waitUntil(closeEndpointEverywhere(ctx.env, ctx.params.webhookId));
      return new Response(null, { status: 204 });
    },
  }),
  route({
    ...common,
    method: "POST",
    path: `${WH}/rotate-secret`,
    summary: "Rotate the signing secret: the new one is shown once; the old one also signs for 24 h",
    success: { status: 200, description: "The endpoint with its new secret", schema: webhookWithSecretSchema },
    handler: rotateSecret,
  }),
  route({
    ...common,
    method: "GET",
    path: `${WH}/deliveries`,
    summary: "The endpoint's deliveries, newest first, with every attempt's status or error and duration",
    query: deliveriesQuery,
    success: { status: 200, description: "A page of deliveries", schema: deliveryPageSchema },
    handler: listDeliveries,
  }),
  route({
    ...common,
    method: "POST",
    path: `${WH}/deliveries/:deliveryId/retry`,
    summary: "Send a delivery again now, out of order",
    success: { status: 202, description: "The delivery, pending its attempt", schema: deliverySchema },
    handler: retryDelivery,
  }),
];
