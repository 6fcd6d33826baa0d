import type { Env } from "../env";
import { ApiError } from "../http/api-error";
import { domainClaim } from "../store/stores";

/**
 * Claims each domain for the org in its DomainClaim object (the uniqueness authority).
 * All or nothing: when any is owned by another org, the claims made here are released
 * and the call fails with 409 `domain_taken`.
 */
export async function claimDomains(env: Env, organizationId: string, domains: string[]): Promise<void> {
  const now = Date.now();
  const results = await Promise.all(
    domains.map(async (domain) => ({ domain, ...(await domainClaim(env, domain).claim(domain, organizationId, now)) })),
  );
  const taken = results.filter((r) => !r.claimed);
  if (taken.length === 0) return;
  await Promise.all(results.filter((r) => r.created).map((r) => domainClaim(env, r.domain).release(organizationId)));
  throw new ApiError(
    409,
    "domain_taken",
    `Already claimed by another organization: ${taken.map((t) => t.domain).join(", ")}`,
    taken.map((t) => ({ path: "domains", message: `${t.domain} belongs to another organization` })),
  );
}

/**
 * Releases the org's claims on these domains. Their KV entries went already: the org
 * operation that dropped them reported it (domain-index.ts).
 */
export async function releaseDomains(env: Env, organizationId: string, domains: string[]): Promise<void> {
  await Promise.all(domains.map((domain) => domainClaim(env, domain).release(organizationId)));
}
