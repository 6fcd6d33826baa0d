import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { capture, type OpResult } from "./op-result";
import type { AppContext } from "./app/context";
import { appOps, type AppOpInput, type AppOpName, type AppOpOutput, type AppShard } from "./app/ops";
import { APP_MIGRATIONS } from "./migrations/app-migrations";
import { runMigrations, type MigrationReport } from "./migrations/run-migrations";
import type { AuditEvent } from "./org/types";

/**
 * App-wide state, one instance per concern (`idFromName("clients")`, `"api-keys"`,
 * `"webhooks"`, `"organizations"`, `"events"`), so no single object carries it all.
 */
export class AppStore extends DurableObject<Env> {
  /** What the schema migrations did when this instance started. */
  schema: MigrationReport | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.schema = runMigrations(ctx.storage, APP_MIGRATIONS, new Date());
    });
  }

  run<S extends AppShard, K extends AppOpName<S>>(
    shard: S,
    op: K,
    input: AppOpInput<S, K>,
    actor: string,
    now: number,
  ): OpResult<AppOpOutput<S, K>> & { events: AuditEvent[] } {
    const ctx: AppContext = { sql: this.ctx.storage.sql, now: new Date(now), actor, events: [] };
    const fn = appOps[shard][op] as (ctx: AppContext, input: AppOpInput<S, K>) => AppOpOutput<S, K>;
    const result = capture(() => this.ctx.storage.transactionSync(() => fn(ctx, input)));
    return { ...result, events: result.ok ? ctx.events : [] };
  }
}
