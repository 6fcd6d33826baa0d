import { unreachableText } from "../../http/outbound-failure";
import type { Env } from "../../env";
import type { AuthenticationFailureCause } from "../../ldap";
import type { PendingLoginClaim } from "../../store/org/login-ops";
import type { PendingLogin, VerifiedIdentity } from "../../store/org/login-types";
import type { LdapConnection } from "../../store/org/types";
import { completeLogin, targetOf, type LoginOutcome } from "../complete-login";
import type { LdapFailure } from "../failure-reasons";
import { ldapIdentity } from "./ldap-identity";

/** Where a submitted form ends: shown again (a failed attempt), or the login's outcome. */
export type LdapSubmission =
  | { kind: "retry"; reason: LdapFailure; detail: string }
  | { kind: "expired"; detail: string }
  | { kind: "done"; outcome: LoginOutcome };

/** The reason the audit log records for each way the directory refused (the user sees one message). */
const REASON_OF_CAUSE: Record<AuthenticationFailureCause, LdapFailure> = {
  empty_password: "ldap_empty_password",
  no_entry: "ldap_unknown_user",
  several_entries: "ldap_ambiguous_user",
  wrong_password: "ldap_wrong_password",
  directory: "ldap_unavailable",
};

/** The directory's verdict on a username and password: the identity, or why not. */
export type LdapAuthentication =
  { ok: true; identity: VerifiedIdentity } | { ok: false; reason: LdapFailure; detail: string };

/**
 * A submitted form, after its attempt was counted (SPEC §9): the directory's verdict
 * ({@link authenticateLdapUser}), then claim the pending login — once — and finish on the
 * one completion step every protocol shares (flow/complete-login.ts: member or JIT, code).
 * `claim` consumes the pending login and uncounts the attempt (store/org/ldap-login-ops.ts).
 */
export async function completeLdapLogin(
  env: Env,
  input: {
    connection: LdapConnection;
    pending: PendingLogin;
    username: string;
    password: string;
    claim: () => Promise<PendingLoginClaim>;
    now: number;
  },
): Promise<LdapSubmission> {
  const { connection } = input;
  const verdict = await authenticateLdapUser(env, connection, input.username, input.password);
  if (!verdict.ok) return { kind: "retry", reason: verdict.reason, detail: verdict.detail };
  const claim = await input.claim();
  if (!claim.ok)
    return { kind: "expired", detail: "the pending login was used or expired while the directory answered" };
  return {
    kind: "done",
    outcome: await completeLogin(env, {
      connection,
      identity: verdict.identity,
      target: targetOf(claim.pending),
      assertion: null,
      now: input.now,
    }),
  };
}

/**
 * The directory work of a sign-in, ending in a verified identity: search the connection's
 * `searchFilter` for the username, bind as the entry with the password
 * (src/ldap/authentication-test.ts; an empty password is refused before any bind). No
 * completion: the setup portal's test sign-in (portal/ldap-test-sign-in.ts) stops here.
 * The password is used for the bind only, never kept or logged.
 */
export async function authenticateLdapUser(
  env: Env,
  connection: LdapConnection,
  username: string,
  password: string,
): Promise<LdapAuthentication> {
  const ldap = await import("../../ldap");
  const config = await ldap.directoryConfigOf(env, connection);
  const parsed = config.serverUri ? ldap.parseLdapTarget(env, config.serverUri, config.startTls) : null;
  if (!parsed?.ok || !config.baseDn) {
    const detail = parsed?.ok === false ? parsed.detail : "the connection has no ldap.serverUri or ldap.baseDn";
    return { ok: false, reason: "ldap_unavailable", detail };
  }
  const result = await ldap.runAuthenticationTest(
    parsed.target,
    config,
    {
      baseDn: config.baseDn,
      scope: config.scope,
      searchFilter: config.searchFilter,
      attributes: Object.values(ldap.mappedAttributes(config.attributeMapping)),
    },
    { username, password },
    { connector: ldap.workerConnector },
  );
  if (!result.entry) {
    const failed = result.report.steps.find((step) => !step.ok);
    // The audit log (read by org-scoped keys, sent to webhooks) gets one generic text per host
    // for a network failure (SPEC §2 Access); app-wide keys get the detail from the connection test.
    const network = failed && (failed.name === "dns" || failed.name === "tcp" || failed.name === "tls");
    const detail = network
      ? `${unreachableText(parsed.target.address)} (POST /api/v1/ldap/connection-test with this connectionId says why)`
      : result.report.details;
    return { ok: false, reason: REASON_OF_CAUSE[result.cause], detail };
  }
  return { ok: true, identity: ldapIdentity(result.entry, config.attributeMapping) };
}
