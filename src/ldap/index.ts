/**
 * LDAP (SPEC §9): the connection and authentication tests as named steps, RFC 4515 filter
 * escaping, the outbound policy for `serverUri`, and the one ldapts wrapper. The Worker's
 * surface; Node-side tests import the runtime-neutral files directly and bring their own
 * socket connector (this barrel loads `cloudflare:sockets`). Loaded on first use, so an
 * isolate that serves no LDAP never evaluates ldapts.
 */
export { ldapActivationGaps } from "./activation-check";
export {
  runAuthenticationTest,
  type AuthenticationFailureCause,
  type UserAuthentication,
  type UserLookup,
} from "./authentication-test";
export { runConnectionTest, type LdapDeps, type ServiceAccount } from "./connection-test";
export { directoryConfigOf, mappedAttributes, type DirectoryConfig } from "./directory-config";
export { escapeFilterValue, userFilter, USER_PLACEHOLDER } from "./escape-filter";
export type { LdapEntry, LdapScope } from "./ldap-session";
export { parseLdapTarget, type LdapTarget } from "./ldap-target";
export type { LdapStep, LdapStepName, LdapTestReport } from "./steps";
export { LDAP_TIMEOUTS, type LdapTimeouts } from "./timeouts";
export { workerConnector } from "./worker-connector";
