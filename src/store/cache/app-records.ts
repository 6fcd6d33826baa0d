import { sha256Hex } from "../../crypto/hash";
import type { Env } from "../../env";
import type { ApiKeyRecord } from "../app/api-key-ops";
import type { ClientRecord } from "../app/client-ops";
import { appOp } from "../stores";
import { IsolateCache } from "./isolate-cache";

/**
 * The app-wide records a login or an admin call reads, through this isolate's copy
 * (src/store/cache/isolate-cache.ts; SPEC §1, docs/storage.md "Per-isolate copies"): OAuth
 * clients, API keys, and whether a browser origin is registered. A change made anywhere
 * (a deletion, a rotated secret, a removed redirect URI or origin, a revoked key) is seen by
 * every isolate within APP_RECORD_TTL_MS; the isolate that made it forgets its copy at once.
 */

/** The bound of SPEC §1: at most 30 s. */
export const APP_RECORD_TTL_MS = 30_000;

/**
 * "No such record" is trusted for less: a record created elsewhere a moment after someone
 * asked for it is not refused for long (client IDs and keys are unguessable, so only a
 * mistyped or made-up one is ever asked for before it exists).
 */
export const MISSING_RECORD_TTL_MS = 5_000;

const bounds = (maxEntries: number, maxNegative: number) => ({
  ttlMs: APP_RECORD_TTL_MS,
  maxEntries,
  negativeTtlMs: MISSING_RECORD_TTL_MS,
  maxNegative,
});

const clients = new IsolateCache<ClientRecord>(bounds(1_000, 256));
const apiKeys = new IsolateCache<ApiKeyRecord>(bounds(1_000, 256));
const origins = new IsolateCache<true>(bounds(1_000, 256));

/** A client ID as it can reach a store read: printable ASCII, bounded (edge-sso mints `client_` + a ULID). */
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;
/** An API key as edge-sso mints it (`ssok_` + 256 bits base64url); anything else was never a key. */
const API_KEY = /^ssok_[A-Za-z0-9_-]{43}$/;
/** An origin as browsers send it, bounded (no lookup of anything longer). */
const ORIGIN = /^[\x21-\x7e]{1,300}$/;

/** The OAuth client `clientId`, or null (unknown, or not shaped like an ID: no read at all). */
export function readClient(env: Env, clientId: string, now = Date.now()): Promise<ClientRecord | null> {
  if (!CLIENT_ID.test(clientId)) return Promise.resolve(null);
  return clients.get(clientId, now, () => appOp(env, "clients", "getClient", { clientId }));
}

/** This isolate changed or deleted the client (or some client's origins): read it again next time. */
export function forgetClient(clientId: string): void {
  clients.forget(clientId);
  origins.clear();
}

/**
 * The record of the presented API key, or null. The key is checked for shape first, so a
 * made-up string costs no read; the copy is kept under the key's SHA-256, never the key. The
 * record's `lastUsedAt` is as old as the copy (the owning object updates it at most once a
 * minute, when it is read).
 */
export async function readApiKey(env: Env, key: string, now = Date.now()): Promise<ApiKeyRecord | null> {
  if (!API_KEY.test(key)) return null;
  const keyHash = await sha256Hex(key);
  return apiKeys.get(keyHash, now, () => appOp(env, "api-keys", "findApiKeyByHash", { keyHash }));
}

/**
 * This isolate created (`{}`) or revoked API keys (by `id`, or every key of a `scope`): those
 * are read again next time, and so is every key this isolate found missing.
 */
export function forgetApiKeys(which: { id?: string; scope?: string }): void {
  apiKeys.forgetWhere((key) => key.id === which.id || key.scope === which.scope);
}

/** Whether some client registers `origin` (a CORS preflight names no client). */
export async function isRegisteredOrigin(env: Env, origin: string, now = Date.now()): Promise<boolean> {
  if (!ORIGIN.test(origin)) return false;
  const found = await origins.get(origin, now, async () =>
    (await appOp(env, "clients", "isRegisteredOrigin", { origin })) ? true : null,
  );
  return found === true;
}

/** The caches themselves, for tests of their bounds. */
export const appRecordCaches = { clients, apiKeys, origins };
