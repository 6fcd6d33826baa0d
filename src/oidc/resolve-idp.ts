import type * as oauth from "oauth4webapi";
import type { OidcSettings } from "../connections/settings";
import type { Env } from "../env";
import type { OidcIdpCache } from "../store/org/oidc-cache-ops";
import type { OidcConnection } from "../store/org/types";
import { orgOp } from "../store/stores";
import { discoverIssuer, overriddenEndpoints } from "./discover-issuer";
import { oidcFailure, type OidcFailure } from "./oidc-failure";
import { refuseInsecureUrl } from "./request-policy";

/** A cached discovery document is used as is for an hour, then refreshed. */
export const DISCOVERY_TTL_MS = 60 * 60 * 1000;
/** While the IdP's discovery is down, a copy up to a day old still serves. */
export const DISCOVERY_MAX_STALE_MS = 24 * 60 * 60 * 1000;

/**
 * ID-token algorithms edge-sso accepts: asymmetric signatures only. `none` and the HMAC
 * family (which would make the client secret a signing key) never.
 */
export const ID_TOKEN_ALGS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];

/** The upstream IdP of an OIDC connection, ready for oauth4webapi. */
export interface ResolvedIdp {
  settings: OidcSettings & { issuer: string; clientId: string };
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  /** Every URL edge-sso may contact for this IdP (all vetted by request-policy). */
  urls: string[];
  /** The cached JWKS, for oauth4webapi's `jwksCache`. */
  jwks: oauth.JWKSCacheInput;
}

/**
 * The IdP's metadata: explicit endpoints override discovery, and when the authorization,
 * token and JWKS endpoints are all configured no discovery happens. The discovery document
 * is cached in the org's object and refreshed after DISCOVERY_TTL_MS.
 */
export async function resolveIdp(
  env: Env,
  connection: OidcConnection,
  now: number,
): Promise<{ ok: true; idp: ResolvedIdp } | OidcFailure> {
  const s = connection.settings.oidc;
  if (!s.issuer || !s.clientId) return oidcFailure("discovery_failed", "the connection has no issuer or client ID");
  const settings = { ...s, issuer: s.issuer, clientId: s.clientId };
  const cache = await orgOp(env, connection.organizationId, "getOidcIdpCache", {
    connectionId: connection.id,
    issuer: s.issuer,
  });
  const explicitOnly = !!(s.authorizationEndpoint && s.tokenEndpoint && s.jwksUri);
  const discovered = explicitOnly
    ? { ok: true as const, metadata: null }
    : await cachedDiscovery(env, connection, s.issuer, cache, now);
  if (!discovered.ok) return discovered;
  return buildIdp(env, settings, discovered.metadata, cache);
}

async function cachedDiscovery(
  env: Env,
  connection: OidcConnection,
  issuer: string,
  cache: OidcIdpCache | null,
  now: number,
) {
  const age = cache?.metadata ? now - cache.metadataFetchedAt : Infinity;
  if (cache?.metadata && age < DISCOVERY_TTL_MS) return { ok: true as const, metadata: cache.metadata };
  const fresh = await discoverIssuer(env, issuer, overriddenEndpoints(connection.settings.oidc));
  if (fresh.ok) {
    await orgOp(env, connection.organizationId, "putOidcMetadata", {
      connectionId: connection.id,
      issuer,
      metadata: fresh.metadata,
      fetchedAt: now,
    });
    return { ok: true as const, metadata: fresh.metadata };
  }
  if (cache?.metadata && age < DISCOVERY_MAX_STALE_MS) {
    console.warn("oidc discovery refresh failed; using the cached copy", connection.id, fresh.detail);
    return { ok: true as const, metadata: cache.metadata };
  }
  return fresh;
}

function buildIdp(
  env: Env,
  settings: ResolvedIdp["settings"],
  metadata: oauth.AuthorizationServer | null,
  cache: OidcIdpCache | null,
): { ok: true; idp: ResolvedIdp } | OidcFailure {
  const algs = allowedAlgs(metadata);
  if (algs.length === 0)
    return oidcFailure("discovery_failed", `the IdP signs ID tokens with none of ${ID_TOKEN_ALGS.join(", ")}`);
  const as: oauth.AuthorizationServer = {
    ...metadata,
    issuer: metadata?.issuer ?? settings.issuer,
    authorization_endpoint: settings.authorizationEndpoint ?? metadata?.authorization_endpoint,
    token_endpoint: settings.tokenEndpoint ?? metadata?.token_endpoint,
    userinfo_endpoint: settings.userinfoEndpoint ?? metadata?.userinfo_endpoint,
    jwks_uri: settings.jwksUri ?? metadata?.jwks_uri,
    id_token_signing_alg_values_supported: algs,
  };
  for (const field of ["authorization_endpoint", "token_endpoint", "jwks_uri"] as const) {
    if (typeof as[field] !== "string") return oidcFailure("discovery_failed", `the IdP's metadata has no ${field}`);
  }
  const urls = [as.issuer, as.authorization_endpoint, as.token_endpoint, as.userinfo_endpoint, as.jwks_uri].filter(
    (u): u is string => typeof u === "string",
  );
  for (const url of urls) {
    const refused = refuseInsecureUrl(env, url);
    if (refused) return oidcFailure("insecure_endpoint", refused);
  }
  const jwks: oauth.JWKSCacheInput =
    cache?.jwks && cache.jwksFetchedAt !== null ? { jwks: cache.jwks, uat: cache.jwksFetchedAt } : {};
  return { ok: true, idp: { settings, as, client: { client_id: settings.clientId }, urls, jwks } };
}

/**
 * The IdP's advertised ID-token algorithms within the allowlist; an IdP known only by its
 * explicit endpoints may use any allowed algorithm.
 */
function allowedAlgs(metadata: oauth.AuthorizationServer | null): string[] {
  const advertised = metadata?.id_token_signing_alg_values_supported;
  if (!Array.isArray(advertised)) return metadata ? ["RS256"] : [...ID_TOKEN_ALGS];
  return advertised.filter((alg) => ID_TOKEN_ALGS.includes(alg));
}

/** Where the IdP sends the browser back: one callback for every OIDC connection. */
export function oidcCallbackUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/oidc/callback`;
}
