import type { Env } from "../env";
import { isOrgId } from "../lib/ids";
import { orgOp } from "../store/stores";

/** The value cached in KV `DOMAINS` under a domain name (docs/storage.md). */
export interface DomainIndexEntry {
  organizationId: string;
  connectionId: string | null;
}

/**
 * Rewrites the KV entries of an org's verified domains from its object (the truth), after
 * any change to its domains, connections or SSO settings. KV is a cache: a failed or stale
 * write never routes a login wrongly (domains/route-login.ts confirms with the object).
 */
export async function refreshDomainIndex(env: Env, organizationId: string): Promise<void> {
  const index = await orgOp(env, organizationId, "domainIndex", undefined);
  await Promise.all(
    index.entries.map((e) =>
      env.DOMAINS.put(
        e.domain,
        JSON.stringify({ organizationId, connectionId: e.connectionId } satisfies DomainIndexEntry),
      ),
    ),
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
