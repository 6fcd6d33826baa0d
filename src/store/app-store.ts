import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { appendFeed } from "../events/append-feed";
import { forwardToFeed } from "../events/forward-to-feed";
import { STANDARD_DELIVERY_POLICY } from "../webhooks/delivery-policy";
import { deliverWebhooks, type OutboxDeps } from "../webhooks/deliver-task";
import type { OutboxTaskKind } from "../webhooks/outbox";
import { capture, type OpResult } from "./op-result";
import type { AppContext } from "./app/context";
import { appOps, type AppOpInput, type AppOpName, type AppOpOutput, type AppShard } from "./app/ops";
import { APP_MIGRATIONS } from "./migrations/app-migrations";
import { runMigrations, type MigrationReport } from "./migrations/run-migrations";
import type { AuditEvent } from "./org/types";
import { Scheduler } from "./scheduler/scheduler";

/**
 * App-wide state, one instance per concern (`idFromName("clients")`, `"api-keys"`,
 * `"webhooks"`, `"organizations"`, `"signing-keys"`), so no single object carries it all;
 * the feed's index (`"events"`) and hour shards (`"events:2026-11-22T10"`), and each
 * endpoint's delivery log (`"webhook-deliveries:wh_…"`). Like an org's object, each has
 * one scheduler: its events reach the feed (and, from `webhooks`, the endpoints) from its
 * own outbox.
 */
export class AppStore extends DurableObject<Env> {
  /** What the schema migrations did when this instance started. */
  schema: MigrationReport | undefined;
  readonly scheduler: Scheduler<OutboxTaskKind, { now: Date }>;
  /** What the outbox tasks deliver with (SPEC §6); tests shorten its policy. */
  readonly outbox: OutboxDeps;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.outbox = { env, storage: ctx.storage, policy: STANDARD_DELIVERY_POLICY, clock: () => Date.now() };
    this.scheduler = new Scheduler<OutboxTaskKind, { now: Date }>(
      ctx.storage,
      { "event-feed": forwardToFeed(env, ctx.storage), "webhook-deliveries": deliverWebhooks(this.outbox) },
      { context: (now) => ({ now }) },
    );
    void ctx.blockConcurrencyWhile(async () => {
      this.schema = runMigrations(ctx.storage, APP_MIGRATIONS, new Date());
      await this.scheduler.arm(false);
    });
  }

  private context(shard: AppShard, now: Date, actor: string): AppContext {
    return { sql: this.ctx.storage.sql, now, actor, events: [], shard, tasks: this.scheduler.queue };
  }

  async run<S extends AppShard, K extends AppOpName<S>>(
    shard: S,
    op: K,
    input: AppOpInput<S, K>,
    actor: string,
    now: number,
  ): Promise<OpResult<AppOpOutput<S, K>> & { events: AuditEvent[] }> {
    const ctx = this.context(shard, new Date(now), actor);
    const fn = appOps[shard][op] as (ctx: AppContext, input: AppOpInput<S, K>) => AppOpOutput<S, K>;
    const result = capture(() => this.ctx.storage.transactionSync(() => fn(ctx, input)));
    await this.scheduler.syncAlarm();
    return { ...result, events: result.ok ? ctx.events : [] };
  }

  /** An hour shard of the feed: stores forwarded events (src/events/append-feed.ts). */
  async appendFeed(hour: string, events: AuditEvent[]): Promise<void> {
    await appendFeed(this.env, this.ctx.storage, () => this.context("events", new Date(), "system"), hour, events);
  }

  /** The one alarm: the instance's outbox tasks (SPEC §1). */
  override async alarm(): Promise<void> {
    await this.scheduler.runDue();
  }
}
