import type { Env } from "../env";
import { ApiError } from "../http/api-error";
import type { ClaimPrevious } from "../store/domain-claim";
import { domainClaim, orgOp } from "../store/stores";

/** Claims an org holds after `claimDomains`: kept with `settleClaims`, or given back with `undoClaims`. */
export interface DomainClaims {
  organizationId: string;
  verified: boolean;
  made: { domain: string; previous: ClaimPrevious }[];
}

/**
 * Claims each domain for the org in its DomainClaim object (the uniqueness authority):
 * verified (an app-wide key; exclusive) or pending (an org-scoped key; any number of orgs
 * may hold a pending claim, and it blocks nobody). All or nothing: when another org holds
 * any of them verified, the claims made here are given back and the call fails with 409
 * `domain_taken`, a message that names no org (SPEC §2 "Domains").
 */
export async function claimDomains(
  env: Env,
  organizationId: string,
  domains: string[],
  verified: boolean,
): Promise<DomainClaims> {
  const now = Date.now();
  const results = await Promise.all(
    domains.map(async (domain) => ({
      domain,
      result: await domainClaim(env, domain).claim(domain, organizationId, now, verified),
    })),
  );
  const made = results.flatMap(({ domain, result }) => (result.claimed ? [{ domain, previous: result.previous }] : []));
  const claims = { organizationId, verified, made };
  const taken = results.filter((r) => !r.result.claimed).map((r) => r.domain);
  if (taken.length === 0) return claims;
  await undoClaims(env, claims);
  throw new ApiError(
    409,
    "domain_taken",
    `Already verified by another organization: ${taken.join(", ")}`,
    taken.map((domain) => ({ path: "domains", message: `${domain} belongs to another organization` })),
  );
}

/** Gives back the claims `claimDomains` made, when the change they were for failed. */
export async function undoClaims(env: Env, claims: DomainClaims): Promise<void> {
  const now = Date.now();
  await Promise.all(
    claims.made.map(({ domain, previous }) => domainClaim(env, domain).undo(claims.organizationId, previous, now)),
  );
}

/**
 * After the org's change committed: a verified claim removes the domain from every org
 * that had it pending (SPEC §2: each gets a `domain.removed` event). The claim object
 * already refuses them; this takes the stale unverified domain out of their orgs.
 */
export async function settleClaims(env: Env, claims: DomainClaims): Promise<void> {
  if (!claims.verified) return;
  await Promise.all(claims.made.map(({ domain }) => evictPendingClaims(env, claims.organizationId, domain)));
}

async function evictPendingClaims(env: Env, owner: string, domain: string): Promise<void> {
  const claim = domainClaim(env, domain);
  const others = (await claim.pendingClaims()).filter((id) => id !== owner);
  const evicted = await Promise.all(
    others.map((id) =>
      orgOp(env, id, "evictDomain", { domain }).then(
        () => id,
        (error: unknown) => {
          // An org deleted meanwhile has nothing left to evict. Any other failure leaves the claim
          // pending, where it blocks nothing and routes nothing; the next verification evicts it.
          if (error instanceof ApiError && error.code === "not_found") return id;
          console.error("could not evict a pending domain", domain, id, error instanceof Error ? error.message : error);
          return null;
        },
      ),
    ),
  );
  await claim.dropPending(evicted.filter((id) => id !== null));
}

/**
 * Releases the org's claims on these domains. Their KV entries went already: the org
 * operation that dropped them reported it (domain-index.ts).
 */
export async function releaseDomains(env: Env, organizationId: string, domains: string[]): Promise<void> {
  await Promise.all(domains.map((domain) => domainClaim(env, domain).release(organizationId)));
}
