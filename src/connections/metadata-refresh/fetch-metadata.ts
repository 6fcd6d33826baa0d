import type { Env } from "../../env";
import { outboundFailureText, type OutboundAudience } from "../../http/outbound-failure";
import { outboundUrlRefusal } from "../../http/outbound-url";
import { readCapped } from "../../http/read-body";
import { MAX_IDP_METADATA_BYTES } from "../../saml/metadata/parse-idp-metadata";

const MAX_REDIRECTS = 3;
const FETCH_TIMEOUT_MS = 10_000;

/** What a previous fetch of the same URL answered, sent back for a conditional GET (RFC 9110 §13.1). */
export interface MetadataValidators {
  etag: string | null;
  lastModified: string | null;
}

/** A metadata URL's answer: the document and its validators, or 304 (what we hold is current). */
export type FetchedMetadata =
  { kind: "document"; xml: string; validators: MetadataValidators } | { kind: "not_modified" };

/** Why a metadata URL gave no document; `reason` is worded for the audience it was asked for. */
export class MetadataFetchError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Fetches IdP metadata from its URL through the outbound URL policy (http/outbound-url.ts):
 * 10 s timeout, at most 1 MiB, at most three redirects, each checked as the URL itself is
 * (a redirect is never followed blindly). With `validators`, the request is conditional
 * (`If-None-Match`, `If-Modified-Since`) and a 304 answers `not_modified`. A failure throws
 * {@link MetadataFetchError} whose reason, when nothing answered, is worded for `audience`
 * (http/outbound-failure.ts: only app-wide keys see why).
 */
export async function fetchMetadata(
  env: Env,
  url: string,
  audience: OutboundAudience,
  validators?: MetadataValidators,
): Promise<FetchedMetadata> {
  const signal = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  const refusal = outboundUrlRefusal(env, url);
  if (refusal) throw new MetadataFetchError(refusal);
  const headers: Record<string, string> = { accept: "application/samlmetadata+xml, application/xml, text/xml" };
  if (validators?.etag) headers["if-none-match"] = validators.etag;
  if (validators?.lastModified) headers["if-modified-since"] = validators.lastModified;
  let target = url;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetch(target, { headers, redirect: "manual", signal });
    } catch (error) {
      throw new MetadataFetchError(outboundFailureText(audience, target, error));
    }
    if (response.status === 304 && validators) {
      await response.body?.cancel();
      return { kind: "not_modified" };
    }
    if (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new MetadataFetchError("too many redirects");
      const next = new URL(response.headers.get("location")!, target);
      const redirectRefusal = outboundUrlRefusal(env, next.toString());
      if (redirectRefusal) throw new MetadataFetchError(`redirected: ${redirectRefusal}`);
      target = next.href;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new MetadataFetchError(`HTTP ${response.status}`);
    }
    try {
      const xml = await readCapped(response, MAX_IDP_METADATA_BYTES);
      return {
        kind: "document",
        xml,
        validators: { etag: response.headers.get("etag"), lastModified: response.headers.get("last-modified") },
      };
    } catch {
      throw new MetadataFetchError("larger than 1 MiB or not UTF-8");
    }
  }
}
