import { apiKeyOps } from "./api-key-ops";
import { clientOps } from "./client-ops";
import { feedOps } from "../../events/feed-ops";
import { deliveryLogOps } from "../../webhooks/delivery-log-ops";
import { deliveryOps } from "../../webhooks/delivery-ops";
import { orgIndexOps } from "./org-index-ops";
import { signingKeyOps } from "./signing-key-ops";
import { webhookOps } from "./webhook-ops";

/** Every operation of the app-wide objects, grouped by the instance (or instances) that run it. */
export const appOps = {
  "api-keys": apiKeyOps,
  clients: clientOps,
  webhooks: { ...webhookOps, ...deliveryOps },
  organizations: orgIndexOps,
  /** The feed: its index (instance `events`) and hour shards (`events:…`). */
  events: feedOps,
  /** An endpoint's delivery log (instance `webhook-deliveries:{id}`). */
  deliveryLog: deliveryLogOps,
  "signing-keys": signingKeyOps,
};

export type AppShard = keyof typeof appOps;
export type AppOpName<S extends AppShard> = keyof (typeof appOps)[S] & string;
type OpFn<S extends AppShard, K extends AppOpName<S>> = (typeof appOps)[S][K] extends (...args: infer A) => infer R
  ? (...args: A) => R
  : never;
export type AppOpInput<S extends AppShard, K extends AppOpName<S>> = Parameters<OpFn<S, K>>[1];
export type AppOpOutput<S extends AppShard, K extends AppOpName<S>> = ReturnType<OpFn<S, K>>;
