import type { Env } from "../env";
import { isOrgId } from "../lib/ids";
import type { DomainIndexUpdate } from "../store/org/domain-ops";

/** The value cached in KV `DOMAINS` under a domain name (docs/storage.md). */
export interface DomainIndexEntry {
  organizationId: string;
  connectionId: string | null;
}

/**
 * The one writer of KV `DOMAINS`. An org operation that changes how its domains route
 * reports the org's routing table with its result (`DomainIndexUpdate`, computed in the
 * operation's own transaction); `orgOp` (store/stores.ts) hands every such report here, so
 * no admin route or flow refreshes the index by hand.
 *
 * KV is a cache: a failed write is logged, never an error of the operation that already
 * committed, and never routes a login wrongly (route-login.ts confirms with the org's
 * object and falls back to the domain's claim object, then repairs the entry).
 */
export async function applyDomainIndex(env: Env, update: DomainIndexUpdate): Promise<void> {
  const writes = [
    ...update.entries.map((e) =>
      putEntry(env, e.domain, { organizationId: update.organizationId, connectionId: e.connectionId }),
    ),
    ...update.removed.map((domain) => env.DOMAINS.delete(domain)),
  ];
  const failed = (await Promise.allSettled(writes)).filter((r) => r.status === "rejected");
  if (failed.length > 0)
    console.error(`domain index: ${failed.length} KV writes failed for ${update.organizationId}`, failed[0]!.reason);
}

/** Caches where a domain routes, after routing it from the claim object on a KV miss or stale entry. */
export function cacheDomainRoute(env: Env, domain: string, entry: DomainIndexEntry): Promise<void> {
  return putEntry(env, domain, entry);
}

/** Drops the entry of a domain that no org claims any more. */
export function forgetDomain(env: Env, domain: string): Promise<void> {
  return env.DOMAINS.delete(domain);
}

function putEntry(env: Env, domain: string, entry: DomainIndexEntry): Promise<void> {
  return env.DOMAINS.put(
    domain,
    JSON.stringify({
      organizationId: entry.organizationId,
      connectionId: entry.connectionId,
    } satisfies DomainIndexEntry),
  );
}

/**
 * The cached entry of a domain, or null when there is none or it is not a well-formed
 * entry (a corrupt cache value is a miss, never an error: the claim object decides).
 */
export async function readDomainIndex(env: Env, domain: string): Promise<DomainIndexEntry | null> {
  const text = await env.DOMAINS.get(domain, { type: "text", cacheTtl: 60 });
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { organizationId, connectionId } = value as Record<string, unknown>;
  if (typeof organizationId !== "string" || !isOrgId(organizationId)) return null;
  return { organizationId, connectionId: typeof connectionId === "string" ? connectionId : null };
}
