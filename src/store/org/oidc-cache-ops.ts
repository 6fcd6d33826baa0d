import type * as oauth from "oauth4webapi";
import { one } from "../sql";
import type { OrgContext } from "./context";

/**
 * The upstream OpenID provider's published documents, cached per OIDC connection in the
 * org's object (issue 5 "discovery … cached in the org's object and refreshed"): the
 * discovery document and the JWKS, each with the time it was fetched. The worker decides
 * when a copy is stale and refreshes it; the row is keyed by connection and remembers the
 * issuer it was fetched for, so a changed issuer never reads another IdP's keys.
 */
export interface OidcIdpCache {
  connectionId: string;
  issuer: string;
  /** The discovery document (JSON), or null when every endpoint is configured explicitly. */
  metadata: oauth.AuthorizationServer | null;
  /** Epoch ms of the discovery fetch. */
  metadataFetchedAt: number;
  /** The JWKS (JSON), or null before the first ID token was verified. */
  jwks: oauth.JWKS | null;
  /** Epoch seconds of the JWKS fetch (oauth4webapi's `uat`). */
  jwksFetchedAt: number | null;
}

type CacheRow = {
  connection_id: string;
  issuer: string;
  metadata: string | null;
  metadata_fetched_at: number;
  jwks: string | null;
  jwks_fetched_at: number | null;
};

/** The cached documents of a connection's IdP, or null when none are cached for `issuer`. */
function getOidcIdpCache(ctx: OrgContext, input: { connectionId: string; issuer: string }): OidcIdpCache | null {
  const row = one<CacheRow>(ctx.sql, "SELECT * FROM oidc_idp_cache WHERE connection_id = ?", input.connectionId);
  if (!row || row.issuer !== input.issuer) return null;
  return {
    connectionId: row.connection_id,
    issuer: row.issuer,
    metadata: row.metadata ? (JSON.parse(row.metadata) as oauth.AuthorizationServer) : null,
    metadataFetchedAt: row.metadata_fetched_at,
    jwks: row.jwks ? (JSON.parse(row.jwks) as OidcIdpCache["jwks"]) : null,
    jwksFetchedAt: row.jwks_fetched_at,
  };
}

/** Stores the discovery document (and keeps the JWKS when the issuer is unchanged). */
function putOidcMetadata(
  ctx: OrgContext,
  input: { connectionId: string; issuer: string; metadata: oauth.AuthorizationServer | null; fetchedAt: number },
): void {
  ctx.sql.exec(
    `INSERT INTO oidc_idp_cache VALUES (?, ?, ?, ?, NULL, NULL)
     ON CONFLICT (connection_id) DO UPDATE SET metadata = excluded.metadata, metadata_fetched_at = excluded.metadata_fetched_at,
       jwks = CASE WHEN issuer = excluded.issuer THEN jwks END, jwks_fetched_at = CASE WHEN issuer = excluded.issuer THEN jwks_fetched_at END,
       issuer = excluded.issuer`,
    input.connectionId,
    input.issuer,
    input.metadata ? JSON.stringify(input.metadata) : null,
    input.fetchedAt,
  );
}

/**
 * Stores a freshly fetched JWKS. A row for another issuer is replaced; a connection with
 * only explicit endpoints gets a row with no discovery document.
 */
function putOidcJwks(
  ctx: OrgContext,
  input: { connectionId: string; issuer: string; jwks: OidcIdpCache["jwks"]; fetchedAt: number },
): void {
  ctx.sql.exec(
    `INSERT INTO oidc_idp_cache VALUES (?, ?, NULL, 0, ?, ?)
     ON CONFLICT (connection_id) DO UPDATE SET jwks = excluded.jwks, jwks_fetched_at = excluded.jwks_fetched_at,
       metadata = CASE WHEN issuer = excluded.issuer THEN metadata END,
       metadata_fetched_at = CASE WHEN issuer = excluded.issuer THEN metadata_fetched_at ELSE 0 END, issuer = excluded.issuer`,
    input.connectionId,
    input.issuer,
    JSON.stringify(input.jwks),
    input.fetchedAt,
  );
}

export const oidcCacheOps = { getOidcIdpCache, putOidcMetadata, putOidcJwks };
