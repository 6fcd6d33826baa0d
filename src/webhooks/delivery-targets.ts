import type { Env } from "../env";
import { unseal } from "../crypto/seal";
import type { DeliveryTargetRow } from "../store/app/webhook-ops";
import { appOp } from "../store/stores";

/** An endpoint as an outbox delivers to it: its secrets opened, current first. */
export interface DeliveryTarget {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  enabledAt: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
}

let cached: { fetchedAt: number; targets: Map<string, DeliveryTarget> } | null = null;
let inFlight: Promise<Map<string, DeliveryTarget>> | null = null;

/**
 * The endpoints, from a per-isolate copy refreshed from the app-wide `webhooks` object when
 * older than `ttlMs` (every org object in the isolate shares it). Read only by outbox tasks,
 * never by a request, so the login path never waits on it (SPEC §1).
 */
export async function deliveryTargets(env: Env, now: number, ttlMs: number): Promise<Map<string, DeliveryTarget>> {
  if (cached && now - cached.fetchedAt < ttlMs && now >= cached.fetchedAt) return cached.targets;
  inFlight ??= load(env, now).finally(() => (inFlight = null));
  return inFlight;
}

async function load(env: Env, now: number): Promise<Map<string, DeliveryTarget>> {
  const rows = await appOp(env, "webhooks", "listDeliveryTargets", undefined);
  const targets = new Map((await Promise.all(rows.map((row) => open(env, row)))).map((t) => [t.id, t]));
  cached = { fetchedAt: now, targets };
  return targets;
}

async function open(env: Env, row: DeliveryTargetRow): Promise<DeliveryTarget> {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    enabled: row.enabled,
    enabledAt: row.enabledAt,
    secret: await unseal(env, row.secretSealed),
    previousSecret: row.previousSecretSealed ? await unseal(env, row.previousSecretSealed) : null,
    previousSecretExpiresAt: row.previousSecretExpiresAt,
  };
}

/** This isolate stops delivering to an endpoint at once (an outbox here just disabled it). */
export function markTargetDisabled(endpointId: string): void {
  const target = cached?.targets.get(endpointId);
  if (target) target.enabled = false;
}

/** The next read refetches (after this isolate changed an endpoint). */
export function forgetDeliveryTargets(): void {
  cached = null;
}

/** The secrets an attempt at `now` signs with: the current one, and the previous during its grace. */
export function signingSecrets(target: DeliveryTarget, now: number): string[] {
  const grace = target.previousSecret && (target.previousSecretExpiresAt ?? 0) > now;
  return grace ? [target.secret, target.previousSecret!] : [target.secret];
}
