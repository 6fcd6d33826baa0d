import { applyDomainIndex } from "../domains/domain-index";
import type { Env } from "../env";
import { inRequestScope } from "../http/request-scope";
import type { AppOpInput, AppOpName, AppOpOutput, AppShard } from "./app/ops";
import { unwrap, type OpResult } from "./op-result";
import type { OrgOpInput, OrgOpName, OrgOpOutput } from "./org/ops";
import type { AuditEvent } from "./org/types";
import type { OrgRunResult } from "./organization-store";

type WithEvents<T> = OpResult<T> & { events: AuditEvent[] };

/**
 * A Durable Object call made through these helpers: the object's kind (`org`, `app`,
 * `domain-claim`), its name (the org's ID, the app instance), the operation, and whether a
 * request made it (else an object's own scheduled task did, outside any request). Tests
 * record them to check which objects a flow touches (SPEC §1: a login only its org's).
 */
export interface StoreCall {
  kind: "org" | "app" | "domain-claim";
  name: string;
  op: string;
  fromRequest: boolean;
}

const storeCallListeners = new Set<(call: StoreCall) => void>();

/** Calls `listener` with every store call made in this isolate until the returned function is called. */
export function observeStoreCalls(listener: (call: StoreCall) => void): () => void {
  storeCallListeners.add(listener);
  return () => void storeCallListeners.delete(listener);
}

function notify(call: Omit<StoreCall, "fromRequest">): void {
  if (storeCallListeners.size === 0) return;
  const fromRequest = inRequestScope();
  for (const listener of storeCallListeners) listener({ ...call, fromRequest });
}

/**
 * Runs an operation in the org's object, and refreshes the KV domain index when it changed
 * the org's routing. Throws the operation's ApiError. The events it recorded are in the
 * object's log and outbox already: the object copies them to the app-wide feed and
 * delivers them to webhooks by itself, so nothing here writes, or waits on, any other
 * object for them (SPEC §1).
 */
export async function orgOp<K extends OrgOpName>(
  env: Env,
  organizationId: string,
  op: K,
  input: OrgOpInput<K>,
  actor = "system",
): Promise<OrgOpOutput<K>> {
  notify({ kind: "org", name: organizationId, op });
  const stub = env.ORGS.get(env.ORGS.idFromName(organizationId));
  const result = (await stub.run(op, input as never, actor, Date.now())) as unknown as OrgRunResult<K>;
  if (result.domainIndex) await applyDomainIndex(env, result.domainIndex);
  return unwrap(result);
}

/** Runs an operation in the app-wide object of its concern (`idFromName(shard)`). */
export function appOp<S extends AppShard, K extends AppOpName<S>>(
  env: Env,
  shard: S,
  op: K,
  input: AppOpInput<S, K>,
  actor = "system",
): Promise<AppOpOutput<S, K>> {
  return appInstanceOp(env, shard, shard, op, input, actor);
}

/**
 * Runs an operation of group `shard` in the app-wide instance `name`: for concerns split
 * over several objects (the feed's hour shards `events:…`, each endpoint's delivery log).
 */
export async function appInstanceOp<S extends AppShard, K extends AppOpName<S>>(
  env: Env,
  name: string,
  shard: S,
  op: K,
  input: AppOpInput<S, K>,
  actor = "system",
): Promise<AppOpOutput<S, K>> {
  notify({ kind: "app", name, op });
  const stub = env.APP.get(env.APP.idFromName(name));
  const result = (await stub.run(shard, op as never, input as never, actor, Date.now())) as unknown as WithEvents<
    AppOpOutput<S, K>
  >;
  return unwrap(result);
}

/** Appends events to an hour shard of the app-wide feed (src/events/feed-shards.ts). */
export async function appendToFeedShard(env: Env, name: string, hour: string, events: AuditEvent[]): Promise<void> {
  notify({ kind: "app", name, op: "appendFeed" });
  await env.APP.get(env.APP.idFromName(name)).appendFeed(hour, events);
}

export function domainClaim(env: Env, domain: string) {
  notify({ kind: "domain-claim", name: domain, op: "stub" });
  return env.DOMAIN_CLAIMS.get(env.DOMAIN_CLAIMS.idFromName(domain));
}
