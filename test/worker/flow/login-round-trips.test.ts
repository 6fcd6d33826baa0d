/**
 * SPEC §1: a login makes its Durable Object round trips to its own org's object; nothing on
 * the path writes, or waits on a write to, a global object. The calls go through the store
 * helpers (src/store/stores.ts), which report each to the test by object kind. Today a login
 * still reads two app-wide records (its OAuth client, the signing keys): the hot-path issue
 * moves those to a per-isolate cache and tightens this test to the org's object alone.
 */
import { describe, expect, it } from "vitest";
import { observeStoreCalls, type StoreCall } from "../../../src/store/stores";
import { appEventsHolding, orgEvents } from "../admin/helpers";
import {
  authorizeUrl,
  BASE,
  exchangeCode,
  fetchWorker,
  pkce,
  postAcs,
  seedSaml,
  signResponse,
  startLogin,
  type Seeded,
} from "./flow-helpers";

/** App-wide reads a login may still make (no write: each only reads its row). */
const APP_WIDE_READS = new Set(["getClient", "getSigningKeys"]);

/** One whole SAML login: authorize, ACS, token, userinfo. Returns the access token's userinfo status. */
async function login(s: Seeded, email: string): Promise<number> {
  const { verifier, challenge } = await pkce();
  const started = await startLogin(
    authorizeUrl(s, { login_hint: email, code_challenge: challenge, code_challenge_method: "S256" }),
  );
  const signed = await signResponse({ inResponseTo: started.requestId, acsUrl: s.acsUrl, audience: s.entityId, email });
  const acs = await postAcs(
    s.acsUrl,
    { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
    started.cookie,
  );
  expect(acs.status).toBe(302);
  const code = new URL(acs.headers.get("location")!).searchParams.get("code")!;
  const token = await exchangeCode(s, code, { code_verifier: verifier });
  expect(token.status).toBe(200);
  const { access_token } = await token.json<{ access_token: string }>();
  const userinfo = await fetchWorker(`${BASE}/oauth/userinfo`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  return userinfo.status;
}

describe("a login's Durable Object round trips", () => {
  it("go to its org's object, and none writes a global object (the feed copy comes after, from the org)", async () => {
    const s = await seedSaml();
    // The first token ever issued creates the signing key (an app-wide write, once per deployment).
    expect(await login(s, `first@${s.domain}`)).toBe(200);

    const calls: StoreCall[] = [];
    // The login's own calls; the objects' scheduled tasks (the feed copy) run beside it, outside any request.
    const stop = observeStoreCalls((call) => call.fromRequest && calls.push(call));
    let status: number;
    try {
      status = await login(s, `jane@${s.domain}`);
    } finally {
      stop();
    }
    expect(status).toBe(200);

    const org = calls.filter((c) => c.kind === "org");
    const app = calls.filter((c) => c.kind === "app");
    expect(new Set(calls.map((c) => c.kind))).toEqual(new Set(["app", "org"]));
    expect(new Set(org.map((c) => c.name))).toEqual(new Set([s.orgId]));
    expect(org.map((c) => c.op)).toEqual(
      expect.arrayContaining(["createPendingLogin", "claimAcsLogin", "completeLogin", "consumeCode"]),
    );
    const appWide = app.map((c) => `${c.name}/${c.op}`).join(", ");
    expect(
      app.filter((c) => !APP_WIDE_READS.has(c.op)),
      appWide,
    ).toEqual([]);
    expect(
      app.some((c) => c.name.startsWith("events")),
      appWide,
    ).toBe(false);

    // The org's object copies the login's event to the app-wide feed by itself, afterwards.
    const succeeded = (await orgEvents(s.orgId)).filter((e) => e.type === "login.succeeded");
    expect(succeeded).toHaveLength(2);
    await appEventsHolding({ query: "&type=login.succeeded", ids: succeeded.map((e) => e.id) });
  });
});
