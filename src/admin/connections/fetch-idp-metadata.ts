import type { Env } from "../../env";
import { ApiError } from "../../http/api-error";
import { isLoopbackHost } from "../schemas";

const MAX_METADATA_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;

/**
 * Fetches IdP metadata from its URL for `idp-metadata {metadataUrl}`: 10 s timeout, at
 * most 1 MiB, at most three redirects, each to https:// (http:// only on loopback), as
 * the URL itself must be. A failure is 400 naming the cause.
 */
export async function fetchIdpMetadata(_env: Env, url: string): Promise<string> {
  const signal = AbortSignal.timeout(10_000);
  let target = url;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetch(target, {
        headers: { accept: "application/samlmetadata+xml, application/xml, text/xml" }, redirect: "manual", signal,
      });
    } catch (error) {
      throw failed(url, error instanceof Error ? error.message : "unreachable");
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw failed(url, "too many redirects");
      const next = new URL(response.headers.get("location")!, target);
      if (!(next.protocol === "https:" || (next.protocol === "http:" && isLoopbackHost(next.hostname)))) {
        throw failed(url, `redirected to a ${next.protocol} URL`);
      }
      target = next.href;
      continue;
    }
    if (!response.ok) throw failed(url, `HTTP ${response.status}`);
    const declared = Number(response.headers.get("content-length") ?? "0");
    if (declared > MAX_METADATA_BYTES) throw failed(url, "larger than 1 MiB");
    const text = await response.text();
    if (text.length > MAX_METADATA_BYTES) throw failed(url, "larger than 1 MiB");
    return text;
  }
}

const failed = (url: string, cause: string) =>
  new ApiError(400, "validation_failed", `Could not read IdP metadata from ${url}: ${cause}`, [{ path: "metadataUrl", message: cause }]);
