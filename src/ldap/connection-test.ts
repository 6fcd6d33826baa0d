import type { SocketConnector } from "./byte-socket";
import { bindFailure, searchFailure } from "./describe-failure";
import { openChannel } from "./ldap-channel";
import { LdapSession } from "./ldap-session";
import type { LdapTarget } from "./ldap-target";
import { LdapStepFailure, StepRecorder, type LdapTestReport } from "./steps";
import { LDAP_TIMEOUTS, type LdapTimeouts } from "./timeouts";

/** What LDAP work runs with: the socket connector (the Worker's, or a test's), the bounds, the clock. */
export interface LdapDeps {
  connector: SocketConnector;
  timeouts?: LdapTimeouts;
  clock?: () => number;
}

/** The service account searches bind as (seed 003 `bind_dn`/`bind_password`); none is an anonymous bind. */
export interface ServiceAccount {
  bindDn: string | null;
  bindPassword: string | null;
}

/**
 * Opens a session and binds the service account, as the steps `dns`, `tcp`, `tls` and
 * `bind`. A bind DN without a password is refused before binding: a simple bind with an
 * empty password is an unauthenticated bind (RFC 4513 §5.1.2) that servers answer with
 * success without checking anything. The caller closes the session.
 */
export async function openServiceSession(
  target: LdapTarget,
  account: ServiceAccount,
  deps: LdapDeps,
  steps: StepRecorder,
): Promise<LdapSession> {
  const timeouts = deps.timeouts ?? LDAP_TIMEOUTS;
  const socket = await openChannel(target, deps.connector, timeouts, steps);
  const session = new LdapSession(socket, target, timeouts);
  try {
    if (!account.bindDn) {
      steps.pass("bind", "anonymous (no bindDn)");
      return session;
    }
    if (!account.bindPassword) {
      const failure = new LdapStepFailure(
        "bind",
        `bind: ${account.bindDn} has no bindPassword: a bind with an empty password is unauthenticated (RFC 4513 §5.1.2) and proves nothing`,
      );
      steps.fail(failure);
      throw failure;
    }
    const { bindDn, bindPassword } = account;
    await steps.run(
      "bind",
      () => session.bind(bindDn, bindPassword),
      (error) => bindFailure("bind", error, bindDn, target, timeouts),
    );
    return session;
  } catch (error) {
    await session.close();
    throw error;
  }
}

/**
 * Seed 003's connection bind test (SPEC §9): connect, TLS, bind, then one search — the
 * base DN itself when one is given, else the root DSE — to prove the account can read.
 * Never throws: every failure is a step of the report.
 */
export async function runConnectionTest(
  target: LdapTarget,
  input: ServiceAccount & { baseDn: string | null },
  deps: LdapDeps,
): Promise<LdapTestReport> {
  const steps = new StepRecorder(deps.clock);
  const timeouts = deps.timeouts ?? LDAP_TIMEOUTS;
  try {
    const session = await openServiceSession(target, input, deps, steps);
    try {
      const baseDn = input.baseDn ?? "";
      const filter = "(objectClass=*)";
      await steps.run(
        "search",
        async () => {
          const found = await session.search({
            baseDn,
            scope: 0,
            filter,
            attributes: ["namingContexts"],
            sizeLimit: 1,
          });
          if (found.length > 0) return;
          const who = input.bindDn ?? "an anonymous bind";
          throw new LdapStepFailure("search", `search: ${baseDn || "the root DSE"} is not visible to ${who}`);
        },
        (error) => searchFailure(error, filter, baseDn, target, timeouts),
      );
    } finally {
      await session.close();
    }
    return steps.report(null);
  } catch (error) {
    if (error instanceof LdapStepFailure) return steps.report(error);
    throw error;
  }
}
