import type { Env } from "../../env";
import { ApiError } from "../../http/api-error";

const MAX_METADATA_BYTES = 1024 * 1024;

/**
 * Fetches IdP metadata from its URL for `idp-metadata {metadataUrl}`: 10 s timeout, at
 * most 1 MiB, no redirects to other schemes. A failure is 400 naming the cause.
 */
export async function fetchIdpMetadata(_env: Env, url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/samlmetadata+xml, application/xml, text/xml" }, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw failed(url, error instanceof Error ? error.message : "unreachable");
  }
  if (!response.ok) throw failed(url, `HTTP ${response.status}`);
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_METADATA_BYTES) throw failed(url, "larger than 1 MiB");
  const text = await response.text();
  if (text.length > MAX_METADATA_BYTES) throw failed(url, "larger than 1 MiB");
  return text;
}

const failed = (url: string, cause: string) =>
  new ApiError(400, "validation_failed", `Could not read IdP metadata from ${url}: ${cause}`, [{ path: "metadataUrl", message: cause }]);
