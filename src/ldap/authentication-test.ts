import { openServiceSession, type LdapDeps, type ServiceAccount } from "./connection-test";
import { bindFailure, resultCodeOf, searchFailure } from "./describe-failure";
import { userFilter } from "./escape-filter";
import type { LdapEntry, LdapScope } from "./ldap-session";
import type { LdapTarget } from "./ldap-target";
import { LdapStepFailure, StepRecorder, type LdapTestReport } from "./steps";
import { LDAP_TIMEOUTS } from "./timeouts";

/** Where and how a user is looked up (SPEC §2 `ldap`: baseDn, scope, searchFilter). */
export interface UserLookup {
  baseDn: string;
  scope: LdapScope;
  /** Holds `%(user)s`, replaced with the RFC 4515-escaped username (escape-filter.ts). */
  searchFilter: string;
  /** Attributes to read from the entry (the mapped ones). */
  attributes: string[];
}

/** Why a user's authentication failed, for a sign-in to tell credentials from an unusable directory. */
export type AuthenticationFailureCause =
  | "empty_password"
  | "no_entry"
  | "several_entries"
  | "wrong_password"
  /** The directory could not be used: dns, tcp, tls, the service bind, or the search failed. */
  | "directory";

/** The entry a user authenticated as, with the attributes read; or the failure and its cause. */
export type UserAuthentication =
  | { report: LdapTestReport; entry: LdapEntry; cause: null }
  | { report: LdapTestReport; entry: null; cause: AuthenticationFailureCause };

/** The entry's identifiers a sign-in needs besides the mapped attributes (SPEC §9 subject). */
const IDENTIFIERS = ["entryUUID"];
const BINARY_IDENTIFIERS = ["objectGUID"];
/** Enough to tell one entry from several (`search: 2 entries matched`). */
const SIZE_LIMIT = 3;

/**
 * Seed 003's user authentication test, and the sign-in's directory work (SPEC §9): bind the
 * service account, search `searchFilter` for the username (exactly one entry must match),
 * then bind as that entry with the password (`user_bind`). An empty password is refused
 * before any connection: Active Directory answers an empty-password simple bind — an
 * unauthenticated bind (RFC 4513 §5.1.2) — with success, so anyone would sign in.
 * Never throws: every failure is a step of the report.
 */
export async function runAuthenticationTest(
  target: LdapTarget,
  account: ServiceAccount,
  lookup: UserLookup,
  credentials: { username: string; password: string },
  deps: LdapDeps,
): Promise<UserAuthentication> {
  const steps = new StepRecorder(deps.clock);
  const timeouts = deps.timeouts ?? LDAP_TIMEOUTS;
  if (credentials.password === "") {
    const failure = new LdapStepFailure(
      "user_bind",
      "user_bind: empty password refused before any bind (an unauthenticated bind, RFC 4513 §5.1.2, would succeed)",
    );
    steps.fail(failure);
    return { report: steps.report(failure), entry: null, cause: "empty_password" };
  }
  const filter = userFilter(lookup.searchFilter, credentials.username);
  let cause: AuthenticationFailureCause = "directory";
  try {
    const session = await openServiceSession(target, account, deps, steps);
    try {
      const entry = await steps.run(
        "search",
        async () => {
          const found = await session.search({
            baseDn: lookup.baseDn,
            scope: lookup.scope,
            filter,
            attributes: [...new Set([...lookup.attributes, ...IDENTIFIERS])],
            binaryAttributes: BINARY_IDENTIFIERS,
            sizeLimit: SIZE_LIMIT,
          });
          if (found.length === 1) return found[0]!;
          cause = found.length === 0 ? "no_entry" : "several_entries";
          throw new LdapStepFailure("search", matchCount(found.length, filter, lookup.baseDn));
        },
        (error) => searchFailure(error, filter, lookup.baseDn, target, timeouts),
      );
      await steps.run(
        "user_bind",
        () => session.bind(entry.dn, credentials.password),
        (error) => {
          if (resultCodeOf(error) === 49) cause = "wrong_password";
          return bindFailure("user_bind", error, entry.dn, target, timeouts);
        },
      );
      return { report: steps.report(null), entry, cause: null };
    } finally {
      await session.close();
    }
  } catch (error) {
    if (error instanceof LdapStepFailure) return { report: steps.report(error), entry: null, cause };
    throw error;
  }
}

function matchCount(count: number, filter: string, baseDn: string): string {
  if (count === 0) return `search: no entry matched ${filter} under ${baseDn}`;
  return `search: ${count}${count >= SIZE_LIMIT ? " or more" : ""} entries matched ${filter} under ${baseDn}`;
}
