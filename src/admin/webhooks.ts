import * as z from "zod/mini";
import { seal } from "../crypto/seal";
import { encodeBase64 } from "../lib/base64";
import { paginationQuery, pageRequest } from "../http/pagination";
import { json } from "../http/problem";
import { route, type RouteContext } from "../http/route";
import { newId } from "../lib/ids";
import { appOp } from "../store/stores";
import { actorName } from "./auth";
import { httpsOrLoopbackUrl } from "./schemas";

/** Event types a webhook can subscribe to (SPEC §2 "Events", §6). */
export const WEBHOOK_EVENT_TYPES = [
  "sso_configuration.enabled",
  "sso_configuration.updated",
  "sso_configuration.disabled",
  "connection.created",
  "connection.deleted",
  "user.created",
  "login.succeeded",
  "login.failed",
] as const;

const events = z.array(z.enum(WEBHOOK_EVENT_TYPES)).check(z.minLength(1), z.maxLength(WEBHOOK_EVENT_TYPES.length));

const createWebhookBody = z.strictObject({ url: httpsOrLoopbackUrl, events, enabled: z.optional(z.boolean()) });
const updateWebhookBody = z.strictObject({
  url: z.optional(httpsOrLoopbackUrl),
  events: z.optional(events),
  enabled: z.optional(z.boolean()),
});

/** Standard Webhooks secret: `whsec_` + base64 of 32 random bytes; sealed at rest, shown once. */
async function createWebhook(ctx: RouteContext<z.infer<typeof createWebhookBody>>) {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const secret = `whsec_${encodeBase64(raw)}`;
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
  return json({ ...record, secret }, 201);
}

const tag = "Webhooks";
const WH = "/api/v1/webhooks/:webhookId";
export const webhookRoutes = [
  route({
    method: "POST",
    path: "/api/v1/webhooks",
    tag,
    access: "app",
    audience: "api",
    summary: "Create a webhook endpoint; the secret is shown once",
    body: createWebhookBody,
    success: { status: 201, description: "The endpoint with its secret" },
    handler: createWebhook,
  }),
  route({
    method: "GET",
    path: "/api/v1/webhooks",
    tag,
    access: "app",
    audience: "api",
    summary: "List webhook endpoints",
    query: paginationQuery,
    success: { status: 200, description: "A page of endpoints" },
    handler: async ({ env, query }: RouteContext<undefined, z.infer<typeof paginationQuery>>) =>
      json(await appOp(env, "webhooks", "listWebhooks", pageRequest(query))),
  }),
  route({
    method: "GET",
    path: WH,
    tag,
    access: "app",
    audience: "api",
    summary: "Get a webhook endpoint",
    success: { status: 200, description: "The endpoint" },
    handler: async ({ env, params }) => json(await appOp(env, "webhooks", "getWebhook", { id: params.webhookId })),
  }),
  route({
    method: "PATCH",
    path: WH,
    tag,
    access: "app",
    audience: "api",
    summary: "Update a webhook endpoint",
    body: updateWebhookBody,
    success: { status: 200, description: "The endpoint" },
    handler: async (ctx: RouteContext<z.infer<typeof updateWebhookBody>, undefined, { webhookId: string }>) =>
      json(
        await appOp(
          ctx.env,
          "webhooks",
          "updateWebhook",
          {
            id: ctx.params.webhookId,
            ...ctx.body,
            ...(ctx.body.events ? { events: [...new Set(ctx.body.events)] } : {}),
          },
          actorName(ctx.actor),
        ),
      ),
  }),
  route({
    method: "DELETE",
    path: WH,
    tag,
    access: "app",
    audience: "api",
    summary: "Delete a webhook endpoint",
    success: { status: 204, description: "Deleted" },
    handler: async (ctx) => {
      await appOp(ctx.env, "webhooks", "deleteWebhook", { id: ctx.params.webhookId }, actorName(ctx.actor));
      return new Response(null, { status: 204 });
    },
  }),
];
