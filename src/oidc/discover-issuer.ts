import * as oauth from "oauth4webapi";
import type { Env } from "../env";
import { plainNetworkError } from "../http/network-error";
import { unreachableText } from "../http/outbound-failure";
import { oidcFailure, type OidcFailure, type OidcFailureReason } from "./oidc-failure";
import { IdpUnreachableError, refuseInsecureUrl, requestOptions } from "./request-policy";

export type DiscoveryResult = { ok: true; metadata: oauth.AuthorizationServer } | OidcFailure;

/**
 * OpenID Connect Discovery 1.0 §4 with oauth4webapi: fetches
 * `{issuer}/.well-known/openid-configuration` and checks that the document names the same
 * issuer (§4.3). A failure's detail is one sentence the admin API shows as it is:
 * `discovery at {issuer} failed: {plain reason}` (`it answered HTTP 404`, `the document names
 * issuer "…"`, `no answer: …`).
 */
export async function discoverIssuer(
  env: Pick<Env, "ALLOW_INSECURE_LOOPBACK_IDP">,
  issuer: string,
  overridden: ReadonlySet<DiscoveredEndpoint> = new Set(),
): Promise<DiscoveryResult> {
  const failed = (reason: OidcFailureReason, why: string) =>
    oidcFailure(reason, `discovery at ${issuer} failed: ${why}`);
  const insecure = refuseInsecureUrl(env, issuer);
  if (insecure) return failed("insecure_endpoint", insecure);
  const issuerUrl = new URL(issuer);
  let response: Response;
  try {
    response = await oauth.discoveryRequest(issuerUrl, { algorithm: "oidc", ...requestOptions([issuer]) });
  } catch (error) {
    const cause = error instanceof IdpUnreachableError ? error.cause : error;
    return oidcFailure(
      "idp_unreachable",
      `discovery at ${issuer} failed: ${unreachableText(issuerUrl.host)}`,
      `discovery at ${issuer} failed: no answer: ${plainNetworkError(cause)}`,
    );
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return failed("discovery_failed", `it answered HTTP ${response.status}`);
  }
  let metadata: oauth.AuthorizationServer;
  try {
    metadata = await oauth.processDiscoveryResponse(issuerUrl, response);
  } catch (error) {
    if (error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      const named = (error.cause as { body?: { issuer?: unknown } } | undefined)?.body?.issuer;
      return failed("discovery_failed", `the document names issuer ${JSON.stringify(named)}, not this one`);
    }
    return failed("discovery_failed", `the document is not valid discovery metadata (${messageOf(error)})`);
  }
  // The endpoints a document names pass the same outbound URL policy as the fields that
  // would name them (src/http/outbound-url.ts), unless the connection overrides them.
  for (const field of DISCOVERED_ENDPOINTS) {
    const url = metadata[field];
    if (overridden.has(field) || url === undefined) continue;
    const refusal = typeof url === "string" ? refuseInsecureUrl(env, url) : `${JSON.stringify(url)} is not a URL`;
    if (refusal) return failed("insecure_endpoint", `the document's ${field} is refused: ${refusal}`);
  }
  return { ok: true, metadata };
}

/** The endpoints of a discovery document edge-sso contacts or sends a browser to. */
export const DISCOVERED_ENDPOINTS = [
  "authorization_endpoint",
  "token_endpoint",
  "userinfo_endpoint",
  "jwks_uri",
] as const;
export type DiscoveredEndpoint = (typeof DISCOVERED_ENDPOINTS)[number];

/** Which discovered endpoints a connection's explicit fields replace. */
export function overriddenEndpoints(settings: {
  authorizationEndpoint?: string | null;
  tokenEndpoint?: string | null;
  userinfoEndpoint?: string | null;
  jwksUri?: string | null;
}): ReadonlySet<DiscoveredEndpoint> {
  const set = new Set<DiscoveredEndpoint>();
  if (settings.authorizationEndpoint) set.add("authorization_endpoint");
  if (settings.tokenEndpoint) set.add("token_endpoint");
  if (settings.userinfoEndpoint) set.add("userinfo_endpoint");
  if (settings.jwksUri) set.add("jwks_uri");
  return set;
}

/** An error's message, for the audit log. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
