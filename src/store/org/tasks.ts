import type { TaskHandlers } from "../scheduler/scheduler";
import type { OrgContext } from "./context";
import { expirySweep } from "./expiry-sweep";

/**
 * Every kind of task an organization's object schedules (its one alarm, SPEC §1). Adding
 * a kind here without a handler below does not compile. Planned: webhook deliveries,
 * back-channel logout, IdP metadata refresh, certificate notices.
 */
export type OrgTaskKind = "expiry-sweep";

export const orgTaskHandlers: TaskHandlers<OrgTaskKind, OrgContext> = {
  "expiry-sweep": expirySweep,
};
