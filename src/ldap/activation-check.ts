import { unreachableText } from "../http/outbound-failure";
import { REQUIRED } from "../connections/check-complete";
import type { Env } from "../env";
import type { FieldError } from "../http/api-error";
import type { LdapConnection } from "../store/org/types";
import { runConnectionTest, type LdapDeps } from "./connection-test";
import { directoryConfigOf } from "./directory-config";
import { userFilter } from "./escape-filter";
import { filterProblem } from "./ldap-session";
import { parseLdapTarget } from "./ldap-target";
import type { LdapStepName } from "./steps";

/** The setting an admin changes when a step fails. */
const FIELD_OF_STEP: Record<LdapStepName, string> = {
  dns: "ldap.serverUri",
  tcp: "ldap.serverUri",
  tls: "ldap.serverUri",
  bind: "ldap.bindDn",
  search: "ldap.baseDn",
  user_bind: "ldap.bindDn",
};

/**
 * What keeps an `ldap` connection from going live (SPEC §2: activation runs the connection
 * test): the fields it lacks, a search filter that is not RFC 4515, a server the outbound
 * policy refuses, then the connection test itself, named by its failed step. Each item is the
 * field to change (a JSON path) and the reason, as the 409 `connection_incomplete` lists them.
 * An org-scoped key learns which step failed but not the network detail of dns, tcp or tls
 * (SPEC §2 Access).
 */
export async function ldapActivationGaps(
  env: Env,
  connection: LdapConnection,
  options: { appWide: boolean; deps: LdapDeps },
): Promise<FieldError[]> {
  const config = await directoryConfigOf(env, connection);
  const missing: FieldError[] = [
    ...(config.serverUri ? [] : [{ path: "ldap.serverUri", message: REQUIRED }]),
    ...(config.baseDn ? [] : [{ path: "ldap.baseDn", message: REQUIRED }]),
  ];
  const badFilter = filterProblem(userFilter(config.searchFilter, "user"));
  if (badFilter) missing.push({ path: "ldap.searchFilter", message: `is not a valid LDAP filter: ${badFilter}` });
  if (!config.serverUri || missing.length > 0) return missing;
  const target = parseLdapTarget(env, config.serverUri, config.startTls);
  if (!target.ok) return [{ path: "ldap.serverUri", message: target.detail }];
  const report = await runConnectionTest(target.target, config, options.deps);
  const failed = report.steps.find((s) => !s.ok);
  if (!failed) return [];
  const network = failed.name === "dns" || failed.name === "tcp" || failed.name === "tls";
  // Not even the step: tcp failing (closed) and tls failing (open) would tell ports apart.
  if (network && !options.appWide)
    return [{ path: "ldap.serverUri", message: `connection test failed: ${unreachableText(target.target.address)}` }];
  return [
    { path: FIELD_OF_STEP[failed.name], message: `connection test failed at step ${failed.name}: ${report.details}` },
  ];
}
