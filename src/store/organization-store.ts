import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { capture, type OpResult } from "./op-result";
import type { OrgContext } from "./org/context";
import { orgOps, type OrgOpInput, type OrgOpName, type OrgOpOutput } from "./org/ops";
import { ORG_MIGRATIONS } from "./migrations/org-migrations";
import { runMigrations, type MigrationReport } from "./migrations/run-migrations";
import type { AuditEvent } from "./org/types";

/** The result of an org operation: its value and the audit events it recorded. */
export type OrgRunResult<K extends OrgOpName> = OpResult<OrgOpOutput<K>> & { events: AuditEvent[] };

/**
 * One per organization (`idFromName(organizationId)`): the strongly consistent truth for
 * the org, its domains, connections, members and audit log (SPEC §1).
 */
export class OrganizationStore extends DurableObject<Env> {
  /** What the schema migrations did when this instance started (docs/storage.md "Schema versions"). */
  schema: MigrationReport | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schema = runMigrations(ctx.storage, ORG_MIGRATIONS, new Date());
    });
  }

  /** Runs one operation atomically. `now` is the caller's clock, in ms. */
  run<K extends OrgOpName>(op: K, input: OrgOpInput<K>, actor: string, now: number): OrgRunResult<K> {
    const ctx: OrgContext = { sql: this.ctx.storage.sql, now: new Date(now), actor, events: [] };
    const fn = orgOps[op] as (ctx: OrgContext, input: OrgOpInput<K>) => OrgOpOutput<K>;
    // capture outside the transaction: an ApiError thrown inside rolls the writes back.
    const result = capture(() => this.ctx.storage.transactionSync(() => fn(ctx, input)));
    return { ...result, events: result.ok ? ctx.events : [] };
  }
}
