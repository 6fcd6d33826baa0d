import { plainNetworkError } from "./network-error";

/**
 * How much a failed outbound call may say, by audience (SPEC §2 "Access"). An app-wide key
 * sees why (refused, reset, timeout, TLS, DNS, in plain words); an org-scoped key, the setup
 * portal and webhook receivers get one text per host, the same whether the port is open,
 * closed or filtered, so the answer is no port-scan oracle. Every outbound fetch names its
 * failures here: IdP metadata URLs, OIDC discovery, token endpoint, JWKS and userinfo, and
 * the LDAP connection test's network steps.
 */
export interface OutboundAudience {
  /** True for app-wide keys (and the root key): they see the detail. */
  outboundDetail: boolean;
}

/** The one text for a host that gave no usable answer, for everyone but app-wide keys. */
export function unreachableText(host: string): string {
  return `${host} could not be reached`;
}

/** A failed outbound call (fetch threw: no HTTP answer) in the words `audience` may read. */
export function outboundFailureText(audience: OutboundAudience, url: string, error: unknown): string {
  return audience.outboundDetail ? plainNetworkError(error) : unreachableText(new URL(url).host);
}

/**
 * Drops the app-wide-only `outboundDetail` from an audit event's data, for readers who are
 * not app-wide (an org-scoped key's events, webhook bodies).
 */
export function withoutOutboundDetail<T extends { data: unknown }>(event: T): T {
  const data = event.data;
  if (data === null || typeof data !== "object" || !("outboundDetail" in data)) return event;
  const { outboundDetail: _dropped, ...rest } = data as Record<string, unknown>;
  return { ...event, data: rest };
}
