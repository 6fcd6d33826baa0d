import { ApiError } from "../../http/api-error";
import type { RouteContext } from "../../http/route";
import { orgOp } from "../../store/stores";
import { isAppWide } from "../auth";

/**
 * SPEC §2 allow/disallow: while an org's SSO is disallowed, creating, changing or
 * activating its connections answers 403 `sso_not_allowed`, and an org-scoped key gets
 * that answer on every connection route.
 */
export async function guardConnectionRoute(
  ctx: RouteContext<unknown, unknown, { orgId: string }>,
  changes: boolean,
): Promise<void> {
  if (!changes && isAppWide(ctx.actor)) {
    await orgOp(ctx.env, ctx.params.orgId, "getOrganization", undefined);
    return;
  }
  guardSetupLinkScope(ctx);
  const org = await orgOp(ctx.env, ctx.params.orgId, "getOrganization", undefined);
  if (!org.ssoAllowed) throw new ApiError(403, "sso_not_allowed", "SSO is not allowed for this organization.");
}

/**
 * A setup link reaches only its own org and, once it created one, only that connection
 * (SPEC §2 `setup-links`); the object re-checks the link and the connection's state in the
 * transaction of each change.
 */
function guardSetupLinkScope(ctx: RouteContext<unknown, unknown, { orgId: string; connId?: string }>): void {
  const actor = ctx.actor;
  if (actor.kind !== "setup_link") return;
  if (actor.organizationId !== ctx.params.orgId)
    throw new ApiError(403, "forbidden", "This setup link belongs to another organization.");
  const connId = ctx.params.connId;
  if (connId !== undefined && connId !== actor.connectionId)
    throw new ApiError(403, "forbidden", "This setup link may change only the connection it created.");
}

/** The common connection fields only an app-wide key may set (SPEC §2 "Access"). */
export interface AppWideFields {
  allowAnyEmailDomain?: boolean | undefined;
  idpInitiatedClientId?: string | null | undefined;
  idpInitiatedRedirectUri?: string | null | undefined;
}

/**
 * Refuses an org-scoped key (a customer) the fields that reach beyond its own org, with
 * 403 `forbidden` naming each: `allowAnyEmailDomain` lets its IdP assert addresses outside
 * the org's verified domains; `idpInitiatedClientId`/`idpInitiatedRedirectUri` choose which
 * of the app's clients, and where, an IdP-initiated login lands — any client of the app,
 * not only the customer's. Turning them off (`false`, `null`) only narrows its own IdP, so
 * it stays allowed.
 */
export function guardAppWideFields(ctx: RouteContext<unknown, unknown>, fields: AppWideFields): void {
  if (isAppWide(ctx.actor)) return;
  const set = [
    ...(fields.allowAnyEmailDomain === true ? ["allowAnyEmailDomain"] : []),
    ...(fields.idpInitiatedClientId != null ? ["idpInitiatedClientId"] : []),
    ...(fields.idpInitiatedRedirectUri != null ? ["idpInitiatedRedirectUri"] : []),
  ];
  if (set.length === 0) return;
  throw new ApiError(
    403,
    "forbidden",
    `Only an app-wide key may set ${set.join(", ")}.`,
    set.map((path) => ({ path, message: "only an app-wide key may set this field" })),
  );
}
