/** Values the Node-side global setup hands to the webhook tests (test/setup/webhook-receiver.ts). */
declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the loopback webhook receiver (bench/lib/webhook-receiver.mjs). */
    webhookReceiverUrl: string;
  }
}
export {};
