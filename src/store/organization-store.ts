import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { ORG_MIGRATIONS } from "./migrations/org-migrations";
import { runMigrations, type MigrationReport } from "./migrations/run-migrations";
import { capture, type OpResult } from "./op-result";
import type { OrgContext } from "./org/context";
import { domainIndexUpdate, type DomainIndexUpdate } from "./org/domain-ops";
import { orgOps, type OrgOpInput, type OrgOpName, type OrgOpOutput } from "./org/ops";
import { orgTaskHandlers, type OrgTaskContext, type OrgTaskKind } from "./org/tasks";
import type { AuditEvent } from "./org/types";
import { Scheduler } from "./scheduler/scheduler";
import { STANDARD_DELIVERY_POLICY } from "../webhooks/delivery-policy";
import type { OutboxDeps } from "../webhooks/deliver-task";

/**
 * The result of an org operation: its value, the audit events it recorded, and, when it
 * changed how the org's domains route, the routing the KV domain index must mirror.
 */
export type OrgRunResult<K extends OrgOpName> = OpResult<OrgOpOutput<K>> & {
  events: AuditEvent[];
  domainIndex: DomainIndexUpdate | null;
};

/**
 * One per organization (`idFromName(organizationId)`): the strongly consistent truth for
 * the org, its domains, connections, members and audit log (SPEC §1).
 */
export class OrganizationStore extends DurableObject<Env> {
  /** What the schema migrations did when this instance started (docs/storage.md "Schema versions"). */
  schema: MigrationReport | undefined;
  /** The object's one alarm and its `scheduled_tasks` (docs/storage.md "Scheduled tasks"). */
  readonly scheduler: Scheduler<OrgTaskKind, OrgTaskContext>;
  /** What the outbox tasks deliver with (SPEC §6); tests shorten its policy and drive its clock. */
  readonly outbox: OutboxDeps;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.outbox = { env, storage: ctx.storage, policy: STANDARD_DELIVERY_POLICY, clock: () => Date.now() };
    this.scheduler = new Scheduler(ctx.storage, orgTaskHandlers(this.outbox), {
      context: (now) => ({ ...this.context(now, "system"), env: this.env }),
    });
    void ctx.blockConcurrencyWhile(async () => {
      this.schema = runMigrations(ctx.storage, ORG_MIGRATIONS, new Date());
      // Self-healing: the alarm is always at the earliest task, whatever happened before.
      await this.scheduler.arm(false);
    });
  }

  private context(now: Date, actor: string): OrgContext {
    return { sql: this.ctx.storage.sql, now, actor, events: [], tasks: this.scheduler.queue, routingChange: null };
  }

  /** Runs one operation atomically. `now` is the caller's clock, in ms. */
  async run<K extends OrgOpName>(op: K, input: OrgOpInput<K>, actor: string, now: number): Promise<OrgRunResult<K>> {
    const ctx = this.context(new Date(now), actor);
    const fn = orgOps[op] as (ctx: OrgContext, input: OrgOpInput<K>) => OrgOpOutput<K>;
    // capture outside the transaction: an ApiError thrown inside rolls the writes back.
    const result = capture(() =>
      this.ctx.storage.transactionSync(() => ({ value: fn(ctx, input), domainIndex: domainIndexUpdate(ctx) })),
    );
    await this.scheduler.syncAlarm();
    if (!result.ok) return { ...result, events: [], domainIndex: null };
    return { ok: true, value: result.value.value, events: ctx.events, domainIndex: result.value.domainIndex };
  }

  /** Replaces the clock of the scheduler and the outbox (tests drive time with it). */
  useClock(clock: () => number): void {
    this.scheduler.useClock(clock);
    this.outbox.clock = clock;
  }

  /** The one alarm: runs every due task (SPEC §1): sweeps, the feed copy, webhook deliveries. */
  override async alarm(): Promise<void> {
    await this.scheduler.runDue();
  }
}
