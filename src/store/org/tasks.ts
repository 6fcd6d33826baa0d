import type { Env } from "../../env";
import type { TaskHandlers } from "../scheduler/scheduler";
import type { OrgContext } from "./context";
import { expirySweep } from "./expiry-sweep";

/**
 * Every kind of task an organization's object schedules (its one alarm, SPEC §1). Adding
 * a kind here without a handler below does not compile. Webhook deliveries, back-channel
 * logout, IdP metadata refresh and certificate notices each add theirs.
 */
export type OrgTaskKind = "expiry-sweep";

/**
 * What a task's handler runs with: an operation's context (actor `system`, the scheduler's
 * clock) plus the bindings, for async handlers that fetch or unseal. Sync handlers need
 * only the SQL part.
 */
export interface OrgTaskContext extends OrgContext {
  env: Env;
}

export const orgTaskHandlers: TaskHandlers<OrgTaskKind, OrgTaskContext> = {
  "expiry-sweep": expirySweep,
};
