import * as z from "zod/mini";

/** Schemas shared by several admin routes. */
export const domainsField = z.union([
  z.array(z.string().check(z.maxLength(253))).check(z.maxLength(100)),
  z.string().check(z.maxLength(10_000)),
]);

/**
 * A URL edge-sso contacts or sends a browser to on an IdP's or receiver's behalf (IdP SSO,
 * SLO and metadata URLs, OIDC issuer and endpoints, webhook URLs). The schema checks only
 * that it is an absolute URL; the handler applies the one outbound policy
 * (http/outbound-url.ts `refuseOutboundUrls`), with the environment, the same way it does to
 * the URLs that IdP metadata or discovery carry.
 */
export const outboundUrlField = z.string().check(
  z.maxLength(2048),
  z.refine((value) => URL.canParse(value), "must be an absolute URL"),
);

/** A URL in the app's own domain that a browser lands on: https, or http only for localhost. */
export const httpsOrLoopbackUrl = z.string().check(
  z.maxLength(2048),
  z.refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
    } catch {
      return false;
    }
  }, "must be an https:// URL (http:// only for localhost)"),
);

export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export const slugField = z
  .string()
  .check(z.regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, "must be lower-case letters, digits and hyphens"));
