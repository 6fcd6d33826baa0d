import type { Env } from "../env";
import { orgOp } from "../store/stores";

/** The value cached in KV `DOMAINS` under a domain name (docs/storage.md). */
export interface DomainIndexEntry {
  organizationId: string;
  connectionId: string | null;
}

/**
 * Rewrites the KV entries of an org's verified domains from its object (the truth), after
 * any change to its domains, connections or SSO settings. KV is a cache: a failed or stale
 * write never routes a login wrongly (routing/route-login.ts confirms with the object).
 */
export async function refreshDomainIndex(env: Env, organizationId: string): Promise<void> {
  const index = await orgOp(env, organizationId, "domainIndex", undefined);
  await Promise.all(index.entries.map((e) =>
    env.DOMAINS.put(e.domain, JSON.stringify({ organizationId, connectionId: e.connectionId } satisfies DomainIndexEntry)),
  ));
}

export async function readDomainIndex(env: Env, domain: string): Promise<DomainIndexEntry | null> {
  return env.DOMAINS.get<DomainIndexEntry>(domain, { type: "json", cacheTtl: 60 });
}
