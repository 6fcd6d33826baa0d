import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { capture, type OpResult } from "./op-result";
import type { AppContext } from "./app/context";
import { appOps, type AppOpInput, type AppOpName, type AppOpOutput, type AppShard } from "./app/ops";
import { APP_SCHEMA } from "./app/schema";
import type { AuditEvent } from "./org/types";

/**
 * App-wide state, one instance per concern (`idFromName("clients")`, `"api-keys"`,
 * `"webhooks"`, `"organizations"`, `"events"`), so no single object carries it all.
 */
export class AppStore extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(APP_SCHEMA);
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
