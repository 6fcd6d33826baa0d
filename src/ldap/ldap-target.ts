import type { Env } from "../env";
import { outboundEndpointRefusal } from "../http/outbound-url";

/** How the channel to the directory is protected: TLS from the first byte, StartTLS, or nothing. */
export type LdapSecurity = "ldaps" | "starttls" | "none";

/** Where an LDAP server is, parsed from a `serverUri` and the `startTls` flag (SPEC §2 `ldap`). */
export interface LdapTarget {
  /** `host:port`, as the details name it. */
  address: string;
  hostname: string;
  port: number;
  security: LdapSecurity;
}

export type LdapTargetResult = { ok: true; target: LdapTarget } | { ok: false; detail: string };

const SERVER_URI = /^(ldaps?):\/\/([^\s/?#@]+)\/?$/i;

/**
 * Parses `ldap://host[:port]` or `ldaps://host[:port]` (ports default to 389 and 636) and
 * applies the outbound policy (http/outbound-url.ts, SPEC §9): no private or link-local
 * literals, loopback only with ALLOW_INSECURE_LOOPBACK_IDP, and a channel without TLS
 * (`ldap://` without StartTLS) only to loopback with that flag, so passwords never cross a
 * network in clear. `ldaps://` with StartTLS is refused: TLS cannot start twice.
 */
export function parseLdapTarget(
  env: Pick<Env, "ALLOW_INSECURE_LOOPBACK_IDP">,
  serverUri: string,
  startTls: boolean,
): LdapTargetResult {
  const match = SERVER_URI.exec(serverUri.trim());
  if (!match) return { ok: false, detail: `${serverUri} is not ldap://host[:port] or ldaps://host[:port]` };
  const scheme = match[1]!.toLowerCase();
  const authority = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(match[2]!);
  const host = authority ? normalizeHost(authority[1]!) : null;
  const port = authority?.[2] ? Number(authority[2]) : scheme === "ldaps" ? 636 : 389;
  if (!host || port < 1 || port > 65535)
    return { ok: false, detail: `${serverUri} does not name a valid host and port` };
  if (scheme === "ldaps" && startTls)
    return { ok: false, detail: "startTls applies to ldap:// only: ldaps:// already speaks TLS" };
  const security: LdapSecurity = scheme === "ldaps" ? "ldaps" : startTls ? "starttls" : "none";
  const refusal = outboundEndpointRefusal(env, {
    label: `${scheme}://${host}:${port}`,
    hostname: host,
    encrypted: security !== "none",
  });
  if (refusal) return { ok: false, detail: refusal };
  const hostname = host.startsWith("[") ? host.slice(1, -1) : host;
  return { ok: true, target: { address: `${host}:${port}`, hostname, port, security } };
}

/** The host as WHATWG URL parsing normalizes it (lower case, IDNA, IPv6 brackets kept), or null. */
function normalizeHost(host: string): string | null {
  try {
    return new URL(`http://${host}/`).hostname || null;
  } catch {
    return null;
  }
}

/** Whether a target's host is an IP literal (v4 or v6): no name to resolve, none to mismatch. */
export function isIpLiteral(hostname: string): boolean {
  return /^[\d.]+$/.test(hostname) || hostname.includes(":");
}
