import { applyDomainIndex } from "../domains/domain-index";
import type { Env } from "../env";
import type { AppOpInput, AppOpName, AppOpOutput, AppShard } from "./app/ops";
import { unwrap, type OpResult } from "./op-result";
import type { OrgOpInput, OrgOpName, OrgOpOutput } from "./org/ops";
import type { AuditEvent } from "./org/types";
import type { OrgRunResult } from "./organization-store";

type WithEvents<T> = OpResult<T> & { events: AuditEvent[] };

/**
 * Runs an operation in the org's object, mirrors the audit events it recorded to the
 * app-wide log, and refreshes the KV domain index when it changed the org's routing.
 * Throws the operation's ApiError.
 */
export async function orgOp<K extends OrgOpName>(
  env: Env,
  organizationId: string,
  op: K,
  input: OrgOpInput<K>,
  actor = "system",
): Promise<OrgOpOutput<K>> {
  const stub = env.ORGS.get(env.ORGS.idFromName(organizationId));
  const result = (await stub.run(op, input as never, actor, Date.now())) as unknown as OrgRunResult<K>;
  await mirrorEvents(env, result.events);
  if (result.domainIndex) await applyDomainIndex(env, result.domainIndex);
  return unwrap(result);
}

/** Runs an operation in one of the app-wide objects. */
export async function appOp<S extends AppShard, K extends AppOpName<S>>(
  env: Env,
  shard: S,
  op: K,
  input: AppOpInput<S, K>,
  actor = "system",
): Promise<AppOpOutput<S, K>> {
  const stub = env.APP.get(env.APP.idFromName(shard));
  const result = (await stub.run(shard, op as never, input as never, actor, Date.now())) as unknown as WithEvents<
    AppOpOutput<S, K>
  >;
  await mirrorEvents(env, result.events);
  return unwrap(result);
}

/** Copies audit events to the app-wide log (best effort: the org's own log already holds them). */
export async function mirrorEvents(env: Env, events: AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await appOp(env, "events", "appendEvents", { events });
  } catch (error) {
    // The org's own log already holds the events; the app-wide copy is best effort.
    console.error("could not mirror audit events", error instanceof Error ? error.message : error);
  }
}

export function domainClaim(env: Env, domain: string) {
  return env.DOMAIN_CLAIMS.get(env.DOMAIN_CLAIMS.idFromName(domain));
}
