import { isIpLiteral, type LdapTarget } from "./ldap-target";
import { LdapStepFailure } from "./steps";
import { LdapTimeoutError, type LdapTimeouts } from "./timeouts";

/**
 * Plain words for what went wrong at each step (SPEC §9 `details`), from the errors two
 * runtimes raise: Node's (`code` ECONNREFUSED, ENOTFOUND, DEPTH_ZERO_SELF_SIGNED_CERT,
 * ERR_TLS_CERT_ALTNAME_INVALID, …) and the Workers runtime's, whose socket errors carry no
 * code and, locally, one text for every connect failure. Where the error itself says
 * nothing, the step it happened at does: a TLS handshake that fails on a connection that
 * opened is the certificate (a Worker trusts publicly trusted certificates only).
 */

/** An LDAP result code (RFC 4511 §4.1.9) as ldapts raises it. */
export function resultCodeOf(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : null;
}

function errorCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const seconds = (ms: number) => `${ms / 1000} s`;

/** A failed TCP connect: `dns` when the name did not resolve, else `tcp`. */
export function connectFailure(error: unknown, target: LdapTarget, timeouts: LdapTimeouts): LdapStepFailure {
  const code = errorCodeOf(error);
  const message = messageOf(error);
  if (error instanceof LdapTimeoutError)
    return new LdapStepFailure(
      "tcp",
      `tcp: timeout: no connection to ${target.address} within ${seconds(timeouts.connectMs)}`,
    );
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || /\bdns\b|resolve|lookup/i.test(message))
    return new LdapStepFailure("dns", `dns: ${target.hostname} does not resolve`);
  if (code === "ECONNREFUSED" || /refused/i.test(message))
    return new LdapStepFailure("tcp", `tcp: connection refused by ${target.address}`);
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH")
    return new LdapStepFailure("tcp", `tcp: ${target.address} is unreachable`);
  if (code === "ETIMEDOUT") return new LdapStepFailure("tcp", `tcp: timeout connecting to ${target.address}`);
  // The Workers runtime says only that it cannot connect: to an IP literal nothing else can
  // have failed; a name may also not resolve.
  return new LdapStepFailure(
    "tcp",
    isIpLiteral(target.hostname)
      ? `tcp: connection refused by ${target.address} (nothing accepts connections there)`
      : `tcp: connection refused by ${target.address}, or ${target.hostname} does not resolve`,
  );
}

const UNTRUSTED_SELF_SIGNED = new Set(["DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN"]);
const UNTRUSTED_ISSUER = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_UNTRUSTED",
]);

/** A failed TLS handshake (ldaps:// or after StartTLS), on a connection that did open. */
export function tlsFailure(error: unknown, target: LdapTarget, timeouts: LdapTimeouts): string {
  const code = errorCodeOf(error);
  const message = messageOf(error);
  if (error instanceof LdapTimeoutError)
    return `TLS: timeout: no handshake with ${target.address} within ${seconds(timeouts.connectMs)}`;
  if (UNTRUSTED_SELF_SIGNED.has(code) || /self[- ]signed/i.test(message))
    return "TLS: certificate not trusted (self-signed)";
  if (UNTRUSTED_ISSUER.has(code) || /UnknownIssuer|unable to (get|verify)/i.test(message))
    return "TLS: certificate not trusted (issued by an unknown or private CA)";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID" || /NotValidForName|altname|hostname|mismatch/i.test(message))
    return `TLS: host name mismatch: the certificate is not issued for ${target.hostname}`;
  if (code === "CERT_HAS_EXPIRED" || /expired/i.test(message)) return "TLS: the certificate has expired";
  if (code === "ECONNRESET" || /disconnected|socket hang up|closed/i.test(message))
    return `TLS: ${target.address} closed the connection during the handshake (does it speak TLS there?)`;
  return (
    `TLS: certificate not trusted — the handshake with ${target.address} failed: a Worker accepts only a publicly ` +
    `trusted certificate issued for ${target.hostname} (self-signed and private-CA certificates are refused)`
  );
}

/** The server refused the StartTLS extended operation (RFC 4511 §4.14.2), or never answered it. */
export function startTlsFailure(error: unknown, target: LdapTarget, timeouts: LdapTimeouts): string {
  if (error instanceof LdapTimeoutError)
    return `TLS: timeout: ${target.address} did not answer StartTLS within ${seconds(timeouts.operationMs)}`;
  const code = resultCodeOf(error);
  if (code !== null) return `TLS: StartTLS not supported by ${target.address} (result code ${code}${detailOf(error)})`;
  return `TLS: StartTLS not supported: ${target.address} closed the connection (${messageOf(error)})`;
}

/** The text a server sent with its result code, when it sent one. */
function detailOf(error: unknown): string {
  const text = (error as { serverMessage?: unknown } | null)?.serverMessage;
  return typeof text === "string" && text ? `: ${text}` : "";
}

/** A failed bind: the service account's (`bind`) or the user's (`user_bind`). */
export function bindFailure(
  step: "bind" | "user_bind",
  error: unknown,
  dn: string,
  target: LdapTarget,
  timeouts: LdapTimeouts,
): string {
  const common = operationFailure(step, error, target, timeouts);
  if (common) return common;
  switch (resultCodeOf(error)) {
    case 49:
      return step === "bind" ? `bind: invalid credentials for ${dn}` : `user_bind: wrong password for ${dn}`;
    case 13:
    case 8:
      return `${step}: ${target.address} requires a protected connection to bind (use ldaps:// or StartTLS)`;
    case 53:
      return `${step}: ${target.address} is unwilling to bind ${dn} (a disabled or locked account?)`;
  }
  return `${step}: the server refused the bind of ${dn} (${codeOrMessage(error)})`;
}

/** A failed search of `filter` under `baseDn`. */
export function searchFailure(
  error: unknown,
  filter: string,
  baseDn: string,
  target: LdapTarget,
  timeouts: LdapTimeouts,
): string {
  const common = operationFailure("search", error, target, timeouts);
  if (common) return common;
  switch (resultCodeOf(error)) {
    case 32:
      return `search: the base DN ${baseDn || "(root DSE)"} does not exist`;
    case 50:
      return `search: the bind account may not search under ${baseDn || "(root DSE)"}`;
    case 3:
      return `search: time limit exceeded searching ${filter} under ${baseDn}`;
  }
  if (resultCodeOf(error) === null && /filter|unescaped|escaped hex|parse/i.test(messageOf(error)))
    return `search: the filter ${filter} is invalid (${messageOf(error)})`;
  return `search: the server refused the search (${codeOrMessage(error)})`;
}

function codeOrMessage(error: unknown): string {
  const code = resultCodeOf(error);
  return code === null ? messageOf(error) : `result code ${code}`;
}

/** Timeouts and dropped connections, the same for every LDAP operation. */
function operationFailure(step: string, error: unknown, target: LdapTarget, timeouts: LdapTimeouts): string | null {
  const message = messageOf(error);
  if (error instanceof LdapTimeoutError || /timed out/i.test(message))
    return `${step}: timeout: ${target.address} did not answer within ${seconds(timeouts.operationMs)}`;
  if (/connection closed|socket error|not established/i.test(message))
    return `${step}: ${target.address} closed the connection`;
  return null;
}
