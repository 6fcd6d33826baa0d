import type { Env } from "../../env";
import { sha256Hex } from "../../crypto/hash";
import { ApiError } from "../../http/api-error";
import { parseIdpMetadata } from "../../saml/metadata/parse-idp-metadata";
import { normalizeCertificate } from "../../saml/metadata/normalize-certificate";
import type { AsyncTaskHandler, TaskOutcome } from "../../store/scheduler/scheduler";
import type { OrgContext } from "../../store/org/context";
import {
  applyMetadataRefresh,
  recordNotModified,
  recordRefreshFailure,
  refreshTarget,
} from "../../store/org/apply-metadata-refresh";
import { refreshRow, scheduleRefresh, validatorsOf } from "../../store/org/metadata-refresh-state";
import { samlFromMetadata } from "../apply-fields";
import { fetchMetadata, MetadataFetchError, type FetchedMetadata } from "./fetch-metadata";
import type { Fingerprinted } from "./plan-certificates";

/** What the refresh runs with; the org's object passes its own (tests drive `clock`). */
export interface RefreshDeps {
  env: Env;
  storage: DurableObjectStorage;
  clock: () => number;
}

/** A read that lost a race with an admin's write of the connection is tried again this soon. */
const STALE_RETRY_MS = 60_000;

/** The connection view and the record say "could not be read" the same way an admin import does. */
class RefreshRefused extends Error {}

/**
 * The `metadata-refresh` task (SPEC §9; key: the connection ID): reads the connection's
 * `idpMetadataUrl` (conditional GET with the last answer's validators, through the outbound
 * URL policy), checks the document as an admin import would (IdP metadata, a usable SSO
 * binding, a signing certificate, endpoint URLs the policy allows, not past its
 * `validUntil`), applies it in one transaction with the safe certificate add/drop, and
 * schedules the next read. A failed read is recorded and retried with backoff; it never
 * touches the working configuration. Failures reach the org-scoped view, so network causes
 * are worded for it (one text per host, http/outbound-failure.ts).
 */
export function refreshIdpMetadata(deps: RefreshDeps): AsyncTaskHandler<OrgContext> {
  return {
    async: true,
    leaseMs: 2 * 60_000,
    async run(ctx, task) {
      const connection = refreshTarget(ctx, task.key);
      if (!connection) return;
      const url = connection.settings.saml.idpMetadataUrl!;
      const at = () => ({ ...ctx, now: new Date(deps.clock()) });
      const inTransaction = <T>(fn: () => T) => deps.storage.transactionSync(fn);
      let fetched: FetchedMetadata;
      try {
        fetched = await fetchMetadata(
          deps.env,
          url,
          { outboundDetail: false },
          validatorsOf(refreshRow(ctx, task.key), url),
        );
      } catch (error) {
        const reason = error instanceof MetadataFetchError ? error.reason : "the request failed";
        return outcome(inTransaction(() => recordRefreshFailure(at(), { connectionId: task.key, url, error: reason })));
      }
      if (fetched.kind === "not_modified")
        return outcome(
          inTransaction(() => recordNotModified(at(), { connectionId: task.key, url, random: Math.random() })),
        );
      let checked: Awaited<ReturnType<typeof checkDocument>>;
      try {
        checked = await checkDocument(deps, connection.settings.saml, fetched.xml, url, deps.clock());
      } catch (error) {
        if (!(error instanceof RefreshRefused)) throw error;
        const expired = error.message.startsWith("the metadata expired");
        return outcome(
          inTransaction(() =>
            recordRefreshFailure(at(), {
              connectionId: task.key,
              url,
              error: error.message,
              ...(expired ? { warning: `${capitalized(error.message)}; the configuration read before is kept.` } : {}),
            }),
          ),
        );
      }
      const applied = inTransaction(() =>
        applyMetadataRefresh(at(), {
          connectionId: task.key,
          url,
          expectedUpdatedAt: connection.updatedAt,
          ...checked,
          validators: fetched.validators,
          random: Math.random(),
        }),
      );
      if (applied !== "stale") return outcome(applied);
      const retryAt = deps.clock() + STALE_RETRY_MS;
      inTransaction(() => scheduleRefresh(at(), task.key, retryAt));
      return { rescheduleAt: retryAt };
    },
  };
}

function outcome(result: { next: number } | "gone"): TaskOutcome {
  return result === "gone" ? undefined : { rescheduleAt: result.next };
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The document as an admin import reads it (apply-fields.ts samlFromMetadata: the IdP
 * side, the URL policy on its endpoints), refused when it is past its `validUntil`; with
 * the fingerprints of the certificates it lists and of those configured now.
 */
async function checkDocument(
  deps: RefreshDeps,
  current: Parameters<typeof samlFromMetadata>[1],
  xml: string,
  url: string,
  now: number,
) {
  const parsed = parseIdpMetadata(xml);
  if (!parsed.ok) throw new RefreshRefused(`the IdP metadata is invalid: ${parsed.reason}`);
  const validUntil = parsed.value.validUntil ?? null;
  if (validUntil && validUntil.getTime() <= now)
    throw new RefreshRefused(`the metadata expired at ${validUntil.toISOString()} (validUntil)`);
  let saml: ReturnType<typeof samlFromMetadata>;
  try {
    saml = samlFromMetadata(deps.env, current, xml, "idpMetadataUrl");
  } catch (error) {
    if (error instanceof ApiError) throw new RefreshRefused(error.message.replace(/^./, (c) => c.toLowerCase()));
    throw error;
  }
  return {
    saml: { ...saml, idpMetadataUrl: url },
    listed: await fingerprinted(saml.idpCertificates),
    configured: await fingerprinted(current.idpCertificates),
    validUntil,
    cacheDurationMs: parsed.value.cacheDurationMs ?? null,
  };
}

async function fingerprinted(pems: readonly string[]): Promise<Fingerprinted[]> {
  const out: Fingerprinted[] = [];
  for (const pem of pems) {
    const normalized = normalizeCertificate(pem);
    if (normalized.ok) out.push({ pem, fingerprintSha256: await sha256Hex(normalized.der) });
  }
  return out;
}
