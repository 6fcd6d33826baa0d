import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { DOMAIN_CLAIM_MIGRATIONS } from "./migrations/domain-claim-migrations";
import { runMigrations, type MigrationReport } from "./migrations/run-migrations";
import { ApiError } from "../http/api-error";
import type { OrganizationRecord } from "./org/types";
import { orgOp } from "./stores";

/** What the claiming org held before a claim: what `undo` gives back. */
export type ClaimPrevious = "verified" | "pending" | null;

/** A claim's outcome: made (and what it replaced), or refused because another org verified the domain. */
export type ClaimResult = { claimed: true; previous: ClaimPrevious } | { claimed: false };

/**
 * One object per domain name (`idFromName(domain)`): the single writer that decides which
 * org owns it (SPEC §2 "Domains"). Only a verified domain is exclusive: its owner is the
 * `claim` row, and every other claim is refused. An unverified claim is pending: several
 * orgs may hold one at once and none blocks anyone, so an org-scoped key cannot squat a
 * domain another company has yet to add. Two orgs racing to verify meet here and exactly
 * one wins, with no global lock; verifying never takes the domain from its verified owner.
 */
export class DomainClaim extends DurableObject<Env> {
  /** What the schema migrations did when this instance started. */
  schema: MigrationReport | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schema = runMigrations(ctx.storage, DOMAIN_CLAIM_MIGRATIONS, new Date());
    });
  }

  /**
   * Claims the domain for the org, verified (exclusive) or pending. Refused only when
   * another org holds it verified. A verified claim leaves the other orgs' pending claims
   * for the caller to evict (`pendingClaims`, then `dropPending`), once all its claims hold.
   */
  async claim(domain: string, organizationId: string, now: number, verified: boolean): Promise<ClaimResult> {
    if (!this.unsettledOwner()) return this.decide(domain, organizationId, now, verified);
    return this.ctx.blockConcurrencyWhile(async () => {
      await this.settleLegacyClaim();
      return this.decide(domain, organizationId, now, verified);
    });
  }

  private decide(domain: string, organizationId: string, now: number, verified: boolean): ClaimResult {
    const owner = this.owner();
    if (owner !== null) return owner === organizationId ? { claimed: true, previous: "verified" } : { claimed: false };
    const pending = this.isPending(organizationId);
    const at = new Date(now).toISOString();
    if (!verified) {
      if (!pending) this.sql.exec("INSERT INTO pending_claims VALUES (?, ?)", organizationId, at);
      return { claimed: true, previous: pending ? "pending" : null };
    }
    this.sql.exec("DELETE FROM pending_claims WHERE organization_id = ?", organizationId);
    this.sql.exec(
      "INSERT INTO claim (domain, organization_id, claimed_at) VALUES (?, ?, ?)",
      domain,
      organizationId,
      at,
    );
    return { claimed: true, previous: pending ? "pending" : null };
  }

  /** Gives back a claim made by `claim` (its result's `previous`), when the caller's change failed. */
  undo(organizationId: string, previous: ClaimPrevious, now: number): void {
    if (previous === "verified") return;
    const upgraded = this.owner() === organizationId;
    this.release(organizationId);
    if (previous === "pending" && upgraded) {
      this.sql.exec("INSERT INTO pending_claims VALUES (?, ?)", organizationId, new Date(now).toISOString());
    }
  }

  /** Releases the org's claim, verified or pending. */
  release(organizationId: string): boolean {
    const owned = this.sql.exec("DELETE FROM claim WHERE organization_id = ?", organizationId).rowsWritten;
    const pending = this.sql.exec("DELETE FROM pending_claims WHERE organization_id = ?", organizationId).rowsWritten;
    this.sql.exec("DELETE FROM unsettled_claim WHERE organization_id = ?", organizationId);
    return owned + pending > 0;
  }

  /** The orgs whose pending claims a verified owner evicts (none while nobody verified the domain). */
  pendingClaims(): string[] {
    if (this.owner() === null) return [];
    return this.sql
      .exec<{ organization_id: string }>("SELECT organization_id FROM pending_claims ORDER BY claimed_at")
      .toArray()
      .map((r) => r.organization_id);
  }

  /** Forgets evicted pending claims. */
  dropPending(organizationIds: string[]): void {
    for (const id of organizationIds) this.sql.exec("DELETE FROM pending_claims WHERE organization_id = ?", id);
  }

  /**
   * The org that owns the domain: its verified owner (or an owner row an older release
   * wrote, not settled yet, whose org object then says whether it verified it). Pending
   * claims own nothing: routing never reads them.
   */
  owner(): string | null {
    const row = this.sql.exec<{ organization_id: string }>("SELECT organization_id FROM claim LIMIT 1").toArray()[0];
    return row?.organization_id ?? null;
  }

  /** What login routing needs: the owner, else whether some org has the domain pending (not routed). */
  lookup(): { owner: string | null; pending: boolean } {
    const owner = this.owner();
    return {
      owner,
      pending: owner === null && this.sql.exec("SELECT 1 FROM pending_claims LIMIT 1").toArray().length > 0,
    };
  }

  private get sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  private isPending(organizationId: string): boolean {
    return this.sql.exec("SELECT 1 FROM pending_claims WHERE organization_id = ?", organizationId).toArray().length > 0;
  }

  /** The owner row written before verification was recorded here, when it still stands. */
  private unsettledOwner(): { domain: string; organizationId: string; claimedAt: string } | null {
    const row = this.sql
      .exec<{ domain: string; organization_id: string; claimed_at: string }>(
        `SELECT domain, claim.organization_id, claimed_at FROM claim
         JOIN unsettled_claim ON unsettled_claim.organization_id = claim.organization_id LIMIT 1`,
      )
      .toArray()[0];
    return row ? { domain: row.domain, organizationId: row.organization_id, claimedAt: row.claimed_at } : null;
  }

  /**
   * An older release made every claim exclusive, so its owner row may be an unverified
   * squat. Its org's object says what it is: verified stays the owner, unverified becomes
   * a pending claim, a domain or org that is gone frees the domain. When the org's object
   * cannot be asked, the row stays the owner (exclusive, as it was) and is asked again later.
   */
  private async settleLegacyClaim(): Promise<void> {
    const legacy = this.unsettledOwner();
    if (!legacy) return;
    let state: "verified" | "unverified" | "absent";
    try {
      state = await domainStateInOrg(this.env, legacy.organizationId, legacy.domain);
    } catch (error) {
      console.warn(
        "could not settle a legacy domain claim",
        legacy.domain,
        error instanceof Error ? error.message : error,
      );
      return;
    }
    this.sql.exec("DELETE FROM unsettled_claim");
    if (state === "verified") return;
    this.sql.exec("DELETE FROM claim");
    if (state === "unverified") {
      this.sql.exec("INSERT OR IGNORE INTO pending_claims VALUES (?, ?)", legacy.organizationId, legacy.claimedAt);
    }
  }
}

/** Whether the org holds the domain verified, unverified, or not at all (the org deleted too). */
async function domainStateInOrg(
  env: Env,
  organizationId: string,
  domain: string,
): Promise<"verified" | "unverified" | "absent"> {
  let org: OrganizationRecord;
  try {
    org = await orgOp(env, organizationId, "getOrganization", undefined);
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") return "absent";
    throw error;
  }
  const held = org.domains.find((d) => d.domain === domain);
  return held ? (held.verified ? "verified" : "unverified") : "absent";
}
