import * as oauth from "oauth4webapi";
import { outboundUrlRefusal } from "../http/outbound-url";
import { plainNetworkError } from "../http/network-error";
import type { Env } from "../env";

/** How long one request to the IdP may take before the login fails as `idp_unreachable`. */
export const IDP_REQUEST_TIMEOUT_MS = 8_000;

/**
 * Whether edge-sso may send a request to `url` (src/http/outbound-url.ts): https to a
 * public host; loopback (http too) only with `ALLOW_INSECURE_LOOPBACK_IDP=true` (local
 * dev and tests; production never sets it, issue 5). Returns why not, or null.
 */
export function refuseInsecureUrl(env: Pick<Env, "ALLOW_INSECURE_LOOPBACK_IDP">, value: string): string | null {
  return outboundUrlRefusal(env, value);
}

/** A request to the IdP that got no HTTP answer at all (refused, reset, DNS, timeout). */
export class IdpUnreachableError extends Error {
  readonly code = "idp_unreachable";
  /** `host[:port]` that did not answer: the generic text names it (http/outbound-failure.ts). */
  readonly host: string;
  constructor(url: string, cause: unknown) {
    super(`${new URL(url).origin} did not answer: ${plainNetworkError(cause)}`, { cause });
    this.name = "IdpUnreachableError";
    this.host = new URL(url).host;
  }
}

/**
 * oauth4webapi's options for requests to the IdP: a fresh timeout per request,
 * `allowInsecureRequests` only when one of the (already vetted) URLs is loopback http, and
 * a fetch that marks a missing answer as IdpUnreachableError so it is told apart from a
 * bad one.
 */
export function requestOptions(urls: Array<string | undefined>) {
  const insecure = urls.some((u) => u !== undefined && u.startsWith("http:"));
  return {
    signal: () => AbortSignal.timeout(IDP_REQUEST_TIMEOUT_MS),
    [oauth.allowInsecureRequests]: insecure,
    [oauth.customFetch]: (url: string, init: RequestInit) =>
      fetch(url, init).catch((cause: unknown) => {
        throw new IdpUnreachableError(url, cause);
      }),
  };
}
