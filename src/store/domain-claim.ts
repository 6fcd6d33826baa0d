import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { DOMAIN_CLAIM_MIGRATIONS } from "./migrations/domain-claim-migrations";
import { runMigrations, type MigrationReport } from "./migrations/run-migrations";

/**
 * One object per domain name (`idFromName(domain)`): the single writer that decides which
 * org owns it. Two orgs racing for one domain meet here and exactly one wins, with no
 * global lock (SPEC §2 "Domains").
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

  /** Claims the domain for the org. `claimed` is false when another org owns it. */
  claim(domain: string, organizationId: string, now: number): { claimed: boolean; owner: string; created: boolean } {
    const owner = this.owner();
    if (owner) return { claimed: owner === organizationId, owner, created: false };
    this.ctx.storage.sql.exec(
      "INSERT INTO claim VALUES (?, ?, ?)",
      domain,
      organizationId,
      new Date(now).toISOString(),
    );
    return { claimed: true, owner: organizationId, created: true };
  }

  /** Releases the domain if the org holds it. */
  release(organizationId: string): boolean {
    return this.ctx.storage.sql.exec("DELETE FROM claim WHERE organization_id = ?", organizationId).rowsWritten > 0;
  }

  owner(): string | null {
    const row = this.ctx.storage.sql
      .exec<{ organization_id: string }>("SELECT organization_id FROM claim LIMIT 1")
      .toArray()[0];
    return row?.organization_id ?? null;
  }
}
