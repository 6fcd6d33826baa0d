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
  const org = await orgOp(ctx.env, ctx.params.orgId, "getOrganization", undefined);
  if (!org.ssoAllowed) throw new ApiError(403, "sso_not_allowed", "SSO is not allowed for this organization.");
}

/**
 * `allowAnyEmailDomain` lets a connection's IdP assert addresses outside the org's
 * verified domains; an org-scoped key (a customer) may not grant its own IdP that.
 */
export function guardEmailDomainOptOut(
  ctx: RouteContext<unknown, unknown>,
  allowAnyEmailDomain: boolean | undefined,
): void {
  if (allowAnyEmailDomain === true && !isAppWide(ctx.actor)) {
    throw new ApiError(403, "forbidden", "Only an app-wide key may set allowAnyEmailDomain.");
  }
}
