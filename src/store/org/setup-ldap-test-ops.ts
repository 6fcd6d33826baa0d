import type { OrgContext } from "./context";
import { countAttempt, keyWindow, throttleDecision, uncountAttempt } from "./login-throttle";
import { requireLinkConnection } from "./setup-portal-ops";

/** An attempt's throttle keys (flow/ldap/login-routes.ts `throttleKeys`): hashes, never the username. */
interface AttemptKeys {
  userKey: string;
  ipKey: string;
  attemptId: string;
}

/**
 * Before an LDAP test sign-in from the portal asks the directory, atomically: the link is
 * live and owns this (draft) connection, then the hosted form's throttle (SPEC §9: 5 failures
 * per username, 20 per client IP in 15 minutes), on the same keys — the portal is no way
 * around it to guess a user's password. An allowed attempt is counted at once.
 */
function beginSetupLdapTest(
  ctx: OrgContext,
  input: AttemptKeys & { linkId: string; connectionId: string },
): { allowed: true } | { allowed: false; retryAfterMs: number } {
  requireLinkConnection(ctx, input.linkId, input.connectionId);
  const now = ctx.now.getTime();
  const decision = throttleDecision({ user: keyWindow(ctx, input.userKey), ip: keyWindow(ctx, input.ipKey) }, now);
  if (!decision.allowed) return decision;
  countAttempt(ctx, [input.userKey, input.ipKey], input.attemptId);
  return { allowed: true };
}

/** The password was right: the attempt is not a failure. */
function endSetupLdapTest(ctx: OrgContext, input: AttemptKeys): void {
  uncountAttempt(ctx, [input.userKey, input.ipKey], input.attemptId);
}

export const setupLdapTestOps = { beginSetupLdapTest, endSetupLdapTest };
