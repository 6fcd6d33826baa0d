import type { Env } from "../env";
import { ApiError, type FieldError } from "./api-error";

/**
 * The one outbound URL policy. Every URL that names an IdP or a receiver goes through it,
 * however it entered: a connection field (SAML SSO/SLO/metadata URL, OIDC issuer and
 * endpoints), IdP metadata XML (its SingleSignOnService and SingleLogoutService), a metadata
 * URL and each redirect it answers, an OIDC discovery document (the endpoints it names), a
 * webhook URL, and, for LDAP, `serverUri` ({@link outboundEndpointRefusal}). Each refusal has
 * one message wherever the URL came from.
 *
 * Where edge-sso may send a request (or send a browser) on an admin's or IdP's say: https:// to a public host, with no
 * credentials in the URL (they would be sent to whoever answers, and logged). Loopback hosts — over http:// too —
 * only when `ALLOW_INSECURE_LOOPBACK_IDP=true` (local dev and tests, never production);
 * private, link-local and unspecified IP literals never. Host names are not resolved here
 * (a Worker cannot), so this refuses literals; on Cloudflare, private networks are not
 * reachable from a Worker anyway. Callers never follow a redirect (`redirect: "manual"`):
 * a redirect's target would escape this check. Returns why not, or null.
 */
export function outboundUrlRefusal(env: Pick<Env, "ALLOW_INSECURE_LOOPBACK_IDP">, value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${value} is not a URL`;
  }
  if (url.username || url.password) return `${url.protocol}//${url.host} carries credentials in the URL`;
  const host = url.hostname;
  const loopback = isLoopback(host);
  if (loopback) {
    return env.ALLOW_INSECURE_LOOPBACK_IDP === "true" && (url.protocol === "https:" || url.protocol === "http:")
      ? null
      : `${url.origin} is a loopback address (allowed only with ALLOW_INSECURE_LOOPBACK_IDP=true, for local dev)`;
  }
  if (url.protocol !== "https:") return `${url.origin} is not https://`;
  if (isPrivateLiteral(host)) return `${url.origin} is a private or link-local address`;
  return null;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

function isPrivateLiteral(host: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (!host.startsWith("[")) return false;
  const v6 = host.slice(1, -1).toLowerCase();
  return (
    v6 === "::" ||
    v6.startsWith("fc") ||
    v6.startsWith("fd") ||
    v6.startsWith("fe8") ||
    v6.startsWith("fe9") ||
    v6.startsWith("fea") ||
    v6.startsWith("feb") ||
    v6.startsWith("::ffff:")
  );
}

/**
 * The same policy for a network endpoint that is not HTTP (an LDAP server, SPEC §9): a
 * public host; a loopback one only with `ALLOW_INSECURE_LOOPBACK_IDP=true`; private,
 * link-local and unspecified literals never. `encrypted` says whether the channel uses TLS:
 * a plain one (passwords in clear) is allowed only to loopback, with that flag. `label`
 * names the endpoint in the answer (`ldap://10.0.0.1:389`). Returns why not, or null.
 */
export function outboundEndpointRefusal(
  env: Pick<Env, "ALLOW_INSECURE_LOOPBACK_IDP">,
  endpoint: { label: string; hostname: string; encrypted: boolean },
): string | null {
  const host = endpoint.hostname.toLowerCase();
  if (isLoopback(host)) {
    return env.ALLOW_INSECURE_LOOPBACK_IDP === "true"
      ? null
      : `${endpoint.label} is a loopback address (allowed only with ALLOW_INSECURE_LOOPBACK_IDP=true, for local dev)`;
  }
  if (isPrivateLiteral(host)) return `${endpoint.label} is a private or link-local address`;
  if (!endpoint.encrypted) return `${endpoint.label} is not encrypted: credentials would cross the network in clear`;
  return null;
}

/** A URL a request brought, under the JSON path of where it came from. */
export interface IncomingUrl {
  path: string;
  url: string | null | undefined;
}

/**
 * Applies {@link outboundUrlRefusal} to every URL a request brings, whether set as a field or
 * read from a document the request carries: 400 `validation_failed` listing each refused URL
 * under its path, with the policy's message, the same for a field and for the metadata that
 * sets it. `source` names the document in the detail (`the IdP metadata's
 * SingleSignOnService`), when the URL came from one.
 */
export function refuseOutboundUrls(
  env: Pick<Env, "ALLOW_INSECURE_LOOPBACK_IDP">,
  urls: IncomingUrl[],
  source?: string,
): void {
  const errors: FieldError[] = [];
  for (const { path, url } of urls) {
    const refusal = url == null ? null : outboundUrlRefusal(env, url);
    // Two bindings of one host refused alike are one error.
    if (refusal && !errors.some((e) => e.path === path && e.message === refusal))
      errors.push({ path, message: refusal });
  }
  if (errors.length === 0) return;
  const what = source ? `${source} is` : errors.length > 1 ? "URLs are" : "A URL is";
  const detail = `${what} refused by the outbound URL policy: ${errors.map((e) => e.message).join("; ")}`;
  throw new ApiError(
    400,
    "validation_failed",
    detail.replace(/^./, (c) => c.toUpperCase()),
    errors,
  );
}
