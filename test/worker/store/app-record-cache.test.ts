/**
 * SPEC §1: the app-wide records a login or an admin call reads (OAuth clients, API keys,
 * signing keys) come from a per-isolate copy at most 30 s old. A change made elsewhere — by
 * another isolate, built here by changing the owning object directly, so this isolate's copy
 * is not forgotten — takes effect within 30 s: a deleted client, a removed redirect URI, a
 * changed secret, a revoked key. Time is driven with a fake Date (the clock the worker and
 * its objects read), never by waiting. Misses of made-up keys are bounded and displace nothing.
 */
import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sha256Hex } from "../../../src/crypto/hash";
import { APP_RECORD_TTL_MS, appRecordCaches, readApiKey } from "../../../src/store/cache/app-records";
import { IsolateCache } from "../../../src/store/cache/isolate-cache";
import type { AppStore } from "../../../src/store/app-store";
import { get, mintKey, ROOT_KEY } from "../admin/helpers";
import {
  authorizeUrl,
  failureReason,
  fetchWorker,
  postAcs,
  REDIRECT_URI,
  seedSaml,
  signResponse,
  startLogin,
} from "../flow/flow-helpers";
import {
  basic,
  createClient,
  createTenant,
  expectOAuthError,
  issueCode,
  tokenRequest,
  workerEnv,
} from "../oauth/helpers";

/** An operation on an app-wide object as another isolate makes it (this isolate forgets nothing). */
function elsewhere<T>(name: string, fn: (store: AppStore, sql: SqlStorage) => T | Promise<T>): Promise<T> {
  return runInDurableObject(workerEnv.APP.get(workerEnv.APP.idFromName(name)), (store: AppStore, state) =>
    fn(store, state.storage.sql),
  );
}

describe("the per-isolate copy (IsolateCache)", () => {
  const options = { ttlMs: 30_000, maxEntries: 3, negativeTtlMs: 5_000, maxNegative: 2 };
  const loader = (value: string | null) => vi.fn(async () => value);

  it("trusts a record until ttlMs after its read began, then reads again; a clock that went back reads again", async () => {
    const cache = new IsolateCache<string>(options);
    const load = loader("v1");
    expect(await cache.get("a", 1_000, load)).toBe("v1");
    expect(await cache.get("a", 1_000 + 29_999, load)).toBe("v1");
    expect(load).toHaveBeenCalledTimes(1);
    expect(await cache.get("a", 1_000 + 30_000, load)).toBe("v1");
    expect(load).toHaveBeenCalledTimes(2);
    expect(await cache.get("a", 500, load)).toBe("v1");
    expect(load).toHaveBeenCalledTimes(3);
  });

  it("trusts 'no such record' for negativeTtlMs only, in a bounded map that never pushes a record out", async () => {
    const cache = new IsolateCache<string>(options);
    await cache.get("real", 0, loader("r"));
    const miss = loader(null);
    for (let i = 0; i < 10_000; i++) expect(await cache.get(`made-up-${i}`, 0, miss)).toBeNull();
    expect(miss).toHaveBeenCalledTimes(10_000);
    expect(cache.size).toEqual({ found: 1, missing: 2 });
    const real = loader("r2");
    expect(await cache.get("real", 1, real)).toBe("r");
    expect(real).not.toHaveBeenCalled();

    const again = loader(null);
    await cache.get("made-up-9999", 4_999, again);
    expect(again).not.toHaveBeenCalled();
    await cache.get("made-up-9999", 5_000, again);
    expect(again).toHaveBeenCalledTimes(1);
  });

  it("keeps at most maxEntries records, the least recently used leaving first", async () => {
    const cache = new IsolateCache<string>(options);
    for (const key of ["a", "b", "c"]) await cache.get(key, 0, loader(key));
    await cache.get("a", 1, loader("unused"));
    await cache.get("d", 2, loader("d"));
    expect(cache.size.found).toBe(3);
    const b = loader("b2");
    expect(await cache.get("b", 3, b)).toBe("b2");
    const a = loader("a2");
    expect(await cache.get("a", 3, a)).toBe("a");
    expect(a).not.toHaveBeenCalled();
  });

  it("does not keep what a read returns when this isolate forgot the record while the read was under way", async () => {
    const cache = new IsolateCache<string>(options);
    let release!: (value: string) => void;
    const pending = cache.get("a", 0, () => new Promise<string>((resolve) => (release = resolve)));
    cache.forget("a");
    release("before the change");
    expect(await pending).toBe("before the change");
    expect(await cache.get("a", 1, loader("after the change"))).toBe("after the change");
  });
});

describe("a change made elsewhere takes effect within 30 s", () => {
  let t0: number;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    t0 = Date.now();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a removed redirect URI: authorize refuses it, and a login started before gets no code", async () => {
    const s = await seedSaml();
    const email = `jane@${s.domain}`;
    // This isolate reads the client at t0; a pending login is on its way to the IdP.
    const started = await startLogin(authorizeUrl(s, { login_hint: email }));
    await elsewhere("clients", (store) =>
      store.run(
        "clients",
        "updateClient",
        { clientId: s.clientId, redirectUris: ["https://other.example.com/cb"] },
        "test",
        t0,
      ),
    );

    vi.setSystemTime(t0 + APP_RECORD_TTL_MS - 1);
    // Still this isolate's copy: the owning object is not read per request.
    expect((await fetchWorker(authorizeUrl(s, { login_hint: email }))).status).toBe(302);

    vi.setSystemTime(t0 + APP_RECORD_TTL_MS);
    const refused = await fetchWorker(authorizeUrl(s, { login_hint: email }));
    expect(refused.status).toBe(400);
    expect(refused.headers.get("location")).toBeNull();
    const refusedPage = await refused.text();

    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email,
    });
    const acs = await postAcs(
      s.acsUrl,
      { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
      started.cookie,
    );
    // The URI is no longer trusted with a code, nor with an error redirect.
    expect(acs.status).toBe(400);
    expect(acs.headers.get("location")).toBeNull();
    expect(await failureReason(s.orgId, await acs.text())).toBe("redirect_uri_mismatch");

    vi.useRealTimers();
    expect(await failureReason(null, refusedPage)).toBe("redirect_uri_mismatch");
  });

  it("a deleted client, a changed secret and a removed redirect URI stop the token endpoint", async () => {
    const tenant = await createTenant();
    const [gone, rotated, narrowed] = await Promise.all([createClient(), createClient(), createClient()]);
    const redeem = async (client: typeof gone, secret = client.clientSecret!) =>
      tokenRequest(
        {
          grant_type: "authorization_code",
          code: await issueCode(tenant, { clientId: client.clientId }),
          redirect_uri: REDIRECT_URI,
        },
        { authorization: basic(client.clientId, secret) },
      );
    for (const client of [gone, rotated, narrowed]) expect((await redeem(client)).status).toBe(200);

    await elsewhere("clients", async (store, sql) => {
      await store.run("clients", "deleteClient", { clientId: gone.clientId }, "test", t0);
      sql.exec(
        "UPDATE clients SET secret_hash = ? WHERE client_id = ?",
        await sha256Hex("a new secret"),
        rotated.clientId,
      );
      await store.run(
        "clients",
        "updateClient",
        { clientId: narrowed.clientId, redirectUris: ["https://app.example.com/other"] },
        "test",
        t0,
      );
    });

    vi.setSystemTime(t0 + APP_RECORD_TTL_MS - 1);
    for (const client of [gone, rotated, narrowed]) expect((await redeem(client)).status).toBe(200);

    vi.setSystemTime(t0 + APP_RECORD_TTL_MS);
    expectOAuthError(await redeem(gone), 401, "invalid_client");
    expectOAuthError(await redeem(rotated), 401, "invalid_client");
    expect((await redeem(rotated, "a new secret")).status).toBe(200);
    expectOAuthError(await redeem(narrowed), 400, "invalid_grant", /redirect_uri/);
  });

  it("a revoked API key stops working; a key revoked in this isolate stops at once", async () => {
    const [remote, local] = [await mintKey("admin", "remote"), await mintKey("admin", "local")];
    const asKey = (key: string) => get("organizations", { key });
    expect((await asKey(remote.key)).status).toBe(200);
    expect((await asKey(local.key)).status).toBe(200);

    await elsewhere("api-keys", (store) => store.run("api-keys", "deleteApiKey", { id: remote.id }, "test", t0));
    const revoked = await fetchWorker(`https://sso.test/api/v1/api-keys/${local.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${ROOT_KEY}` },
    });
    expect(revoked.status).toBe(204);
    expect((await asKey(local.key)).status).toBe(401);

    vi.setSystemTime(t0 + APP_RECORD_TTL_MS - 1);
    expect((await asKey(remote.key)).status).toBe(200);
    vi.setSystemTime(t0 + APP_RECORD_TTL_MS);
    expect((await asKey(remote.key)).status).toBe(401);
  });
});

describe("keys that do not exist", () => {
  it("cost no read when not shaped like a key, one read per 5 s when made up, and push no real key out", async () => {
    const cache = appRecordCaches.apiKeys;
    const real = await mintKey("admin", "real");
    const now = Date.now();
    expect(await readApiKey(workerEnv, real.key, now)).toMatchObject({ id: real.id });

    let loads = cache.loads;
    for (const junk of ["", "Bearer", "ssok_short", `ssok_${"A".repeat(44)}`, "x".repeat(10_000)]) {
      expect(await readApiKey(workerEnv, junk, now)).toBeNull();
    }
    expect(cache.loads).toBe(loads);

    const madeUp = `ssok_${"Z".repeat(43)}`;
    expect(await readApiKey(workerEnv, madeUp, now)).toBeNull();
    expect(await readApiKey(workerEnv, madeUp, now + 4_999)).toBeNull();
    expect(cache.loads).toBe(loads + 1);
    expect(await readApiKey(workerEnv, madeUp, now + 5_000)).toBeNull();
    expect(cache.loads).toBe(loads + 2);

    // A flood of made-up keys: memory stays bounded and the real key is still this isolate's.
    for (let i = 0; i < 300; i++) await readApiKey(workerEnv, `ssok_${String(i).padStart(43, "Q")}`, now);
    expect(cache.size.missing).toBeLessThanOrEqual(256);
    loads = cache.loads;
    expect(await readApiKey(workerEnv, real.key, now + 1)).toMatchObject({ id: real.id });
    expect(cache.loads).toBe(loads);
  });
});
