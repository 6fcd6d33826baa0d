import type { Env } from "../../env";
import { ApiError } from "../../http/api-error";
import { readCapped } from "../../http/read-body";
import { outboundUrlRefusal } from "../../http/outbound-url";
import { outboundFailureText, type OutboundAudience } from "../../http/outbound-failure";

const MAX_METADATA_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;

/**
 * Fetches IdP metadata from its URL for `idp-metadata {metadataUrl}`: 10 s timeout, at
 * most 1 MiB, at most three redirects, each to https:// (http:// only on loopback), as
 * the URL itself must be. A failure is 400 naming the cause; when nothing answered, the cause
 * is worded for `audience` (http/outbound-failure.ts: app-wide keys only see why).
 */
export async function fetchIdpMetadata(env: Env, url: string, audience: OutboundAudience): Promise<string> {
  const signal = AbortSignal.timeout(10_000);
  const refusal = outboundUrlRefusal(env, url);
  if (refusal) throw failed(url, refusal);
  let target = url;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetch(target, {
        headers: { accept: "application/samlmetadata+xml, application/xml, text/xml" },
        redirect: "manual",
        signal,
      });
    } catch (error) {
      throw failed(url, outboundFailureText(audience, target, error));
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw failed(url, "too many redirects");
      const next = new URL(response.headers.get("location")!, target);
      const redirectRefusal = outboundUrlRefusal(env, next.toString());
      if (redirectRefusal) {
        throw failed(url, `redirected: ${redirectRefusal}`);
      }
      target = next.href;
      continue;
    }
    if (!response.ok) throw failed(url, `HTTP ${response.status}`);
    try {
      return await readCapped(response, MAX_METADATA_BYTES);
    } catch {
      throw failed(url, "larger than 1 MiB or not UTF-8");
    }
  }
}

const failed = (url: string, cause: string) =>
  new ApiError(400, "validation_failed", `Could not read IdP metadata from ${url}: ${cause}`, [
    { path: "metadataUrl", message: cause },
  ]);
