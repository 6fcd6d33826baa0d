import type { Env } from "../../env";
import { ApiError } from "../../http/api-error";
import type { OutboundAudience } from "../../http/outbound-failure";
import { fetchMetadata, MetadataFetchError } from "../../connections/metadata-refresh/fetch-metadata";

/**
 * Fetches IdP metadata from its URL for `idp-metadata {metadataUrl}` (the rules are
 * fetchMetadata's: the outbound URL policy on the URL and each redirect, 10 s, 1 MiB). A
 * failure is 400 naming the cause; when nothing answered, the cause is worded for
 * `audience` (http/outbound-failure.ts: app-wide keys only see why).
 */
export async function fetchIdpMetadata(env: Env, url: string, audience: OutboundAudience): Promise<string> {
  try {
    const fetched = await fetchMetadata(env, url, audience);
    if (fetched.kind !== "document") throw new MetadataFetchError("no document");
    return fetched.xml;
  } catch (error) {
    if (!(error instanceof MetadataFetchError)) throw error;
    throw new ApiError(400, "validation_failed", `Could not read IdP metadata from ${url}: ${error.reason}`, [
      { path: "metadataUrl", message: error.reason },
    ]);
  }
}
