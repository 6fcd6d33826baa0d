/**
 * SPEC §1: a login makes its Durable Object round trips to its own org's object only; nothing
 * on the path reads, writes, or waits on a global object. The calls go through the store
 * helpers (src/store/stores.ts), which report each to the test by object kind and name. The
 * app-wide records a login needs (its OAuth client, the signing keys) come from the isolate's
 * copy (src/store/cache/app-records.ts, src/oauth/signing-keys.ts), read from their objects
 * at most once per 30 s: the first login below fills it.
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
  it("all go to its org's object (the feed copy comes after, from the org's own task)", async () => {
    const s = await seedSaml();
    // The isolate's first login reads the client and the signing keys into its copy (and the
    // first token ever issued creates the signing key, once per deployment).
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

    // Authorize (routeDomain, createPendingLogin), ACS (claimAcsLogin, completeLogin), token (redeemCode:
    // consume, check, store the access token), userinfo (findAccessToken): every one to the org's object.
    const summary = calls.map((c) => `${c.kind}:${c.name}/${c.op}`).join(", ");
    expect(
      calls.filter((c) => c.kind !== "org" || c.name !== s.orgId),
      summary,
    ).toEqual([]);
    expect(calls.map((c) => c.op)).toEqual([
      "routeDomain",
      "createPendingLogin",
      "claimAcsLogin",
      "completeLogin",
      "redeemCode",
      "findAccessToken",
    ]);

    // The org's object copies the login's event to the app-wide feed by itself, afterwards.
    const succeeded = (await orgEvents(s.orgId)).filter((e) => e.type === "login.succeeded");
    expect(succeeded).toHaveLength(2);
    await appEventsHolding({ query: "&type=login.succeeded", ids: succeeded.map((e) => e.id) });
  });
});
