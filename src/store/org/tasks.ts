import type { Env } from "../../env";
import { forwardToFeed } from "../../events/forward-to-feed";
import type { TaskHandlers } from "../scheduler/scheduler";
import { deliverBackchannelLogout } from "../../webhooks/backchannel-logout";
import { deliverWebhooks, type OutboxDeps } from "../../webhooks/deliver-task";
import type { OutboxTaskKind } from "../../webhooks/outbox";
import type { OrgContext } from "./context";
import { certificateExpiryCheck, type CERTIFICATE_CHECK_KIND } from "./certificate-expiry-task";
import { expirySweep } from "./expiry-sweep";
import { refreshIdpMetadata } from "../../connections/metadata-refresh/refresh-task";
import { certificateDropTask } from "./certificate-drop-ops";

/**
 * Every kind of task an organization's object schedules (its one alarm, SPEC §1). Adding
 * a kind here without a handler below does not compile. The outbox's two kinds copy events
 * to the app-wide feed and deliver webhooks; `backchannel-logout` sends logout tokens
 * (webhooks/backchannel-logout.ts); `certificate-expiry` checks one connection's certificates
 * (SPEC §9); `metadata-refresh` re-reads a SAML connection's `idpMetadataUrl` and
 * `idp-certificate-drop` ends an IdP certificate rotation (SPEC §9, key: the connection ID).
 */
export type OrgTaskKind =
  | "expiry-sweep"
  | "backchannel-logout"
  | typeof CERTIFICATE_CHECK_KIND
  | OutboxTaskKind
  | "metadata-refresh"
  | "idp-certificate-drop";

/**
 * What a task's handler runs with: an operation's context (actor `system`, the scheduler's
 * clock) plus the bindings, for async handlers that fetch or unseal. Sync handlers need
 * only the SQL part.
 */
export interface OrgTaskContext extends OrgContext {
  env: Env;
}

/**
 * The handlers, given what the outbox tasks need of their object (its env, storage, policy
 * and clock; the metadata refresh reads with the same env, storage and clock).
 */
export function orgTaskHandlers(outbox: OutboxDeps): TaskHandlers<OrgTaskKind, OrgTaskContext> {
  return {
    "expiry-sweep": expirySweep,
    "certificate-expiry": certificateExpiryCheck,
    "event-feed": forwardToFeed(outbox.env, outbox.storage),
    "webhook-deliveries": deliverWebhooks(outbox),
    "backchannel-logout": deliverBackchannelLogout(outbox),
    "metadata-refresh": refreshIdpMetadata(outbox),
    "idp-certificate-drop": certificateDropTask,
  };
}
