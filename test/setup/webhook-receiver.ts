import type { TestProject } from "vitest/node";
import { startWebhookReceiver } from "../../bench/lib/webhook-receiver.mjs";

/**
 * The webhook tests' receiver (SPEC §6): a real HTTP server on loopback that checks every
 * request with the `standardwebhooks` package and records it (bench/lib/webhook-receiver.mjs,
 * shared with `npm run bench`). Started here because tests inside workerd cannot listen;
 * its base URL reaches them as `webhookReceiverUrl` (test/webhook-provided.d.ts).
 */
export async function webhookReceiverStep(project: TestProject): Promise<() => Promise<void>> {
  const receiver = await startWebhookReceiver();
  project.provide("webhookReceiverUrl", receiver.url);
  return receiver.close;
}
