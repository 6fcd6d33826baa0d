import * as oauth from "oauth4webapi";
import type { Env } from "../env";
import { oidcFailure, type OidcFailure } from "./oidc-failure";
import { refuseInsecureUrl, requestOptions } from "./request-policy";

export type DiscoveryResult = { ok: true; metadata: oauth.AuthorizationServer } | OidcFailure;

/**
 * OpenID Connect Discovery 1.0 §4 with oauth4webapi: fetches
 * `{issuer}/.well-known/openid-configuration` and checks that the document names the same
 * issuer (§4.3). Failures say why in words the admin API shows as they are
 * (`discovery answered HTTP 404`, `discovery names issuer "…"`, `discovery failed: …`).
 */
export async function discoverIssuer(
  env: Pick<Env, "ALLOW_INSECURE_LOOPBACK_IDP">,
  issuer: string,
): Promise<DiscoveryResult> {
  const insecure = refuseInsecureUrl(env, issuer);
  if (insecure) return oidcFailure("insecure_endpoint", insecure);
  const issuerUrl = new URL(issuer);
  let response: Response;
  try {
    response = await oauth.discoveryRequest(issuerUrl, { algorithm: "oidc", ...requestOptions([issuer]) });
  } catch (error) {
    return oidcFailure("idp_unreachable", `discovery failed: ${messageOf(error)}`);
  }
  if (response.status !== 200) return oidcFailure("discovery_failed", `discovery answered HTTP ${response.status}`);
  try {
    return { ok: true, metadata: await oauth.processDiscoveryResponse(issuerUrl, response) };
  } catch (error) {
    if (error instanceof oauth.OperationProcessingError && error.code === oauth.JSON_ATTRIBUTE_COMPARISON) {
      const named = (error.cause as { body?: { issuer?: unknown } } | undefined)?.body?.issuer;
      return oidcFailure("discovery_failed", `discovery names issuer ${JSON.stringify(named)}`);
    }
    return oidcFailure("discovery_failed", `discovery failed: ${messageOf(error)}`);
  }
}

/** An error's message, for the audit log. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
