/**
 * The login hot path touches only its org's object, in as few round trips as it can
 * (SPEC §1): the ACS reads the connection and claims the pending login in one operation
 * (claimAcsLogin), then completes the login in one more.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { buildRouter } from "../../../src/http/router";
import { allRoutes } from "../../../src/routes";
import { authorizeUrl, seedSaml, signResponse, startLogin } from "./flow-helpers";
import { interceptRuns } from "./store-interceptor";

/** Every route, the lazily loaded groups included (src/routes.ts). */
const ALL_ROUTES = await allRoutes();

describe("the ACS's round trips", () => {
  it("claims the connection and the pending login in one operation, then completes", async () => {
    const s = await seedSaml();
    const email = `jane@${s.domain}`;
    const started = await startLogin(authorizeUrl(s, { login_hint: email, state: "st" }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email,
    });
    const ops: unknown[] = [];
    const bindings = interceptRuns("ORGS", (args) => {
      ops.push(args[0]);
      return null;
    });
    const exec = createExecutionContext();
    const response = await buildRouter(ALL_ROUTES)(
      new Request(s.acsUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: started.cookie },
        body: new URLSearchParams({ SAMLResponse: signed.samlResponse, RelayState: started.relayState }).toString(),
      }),
      bindings,
      exec,
    );
    await waitOnExecutionContext(exec);
    expect(response?.status).toBe(302);
    expect(new URL(response!.headers.get("location")!).searchParams.get("code")).toBeTruthy();
    expect(ops).toEqual(["claimAcsLogin", "completeLogin"]);
  });

  it("leaves the pending login untouched when the connection is not a SAML connection of the org", async () => {
    const s = await seedSaml();
    const started = await startLogin(authorizeUrl(s, { login_hint: `jane@${s.domain}` }));
    const signed = await signResponse({
      inResponseTo: started.requestId,
      acsUrl: s.acsUrl,
      audience: s.entityId,
      email: `jane@${s.domain}`,
    });
    const form = { SAMLResponse: signed.samlResponse, RelayState: started.relayState };
    const post = (url: string) =>
      buildRouter(ALL_ROUTES)(
        new Request(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", cookie: started.cookie },
          body: new URLSearchParams(form).toString(),
        }),
        env,
        createExecutionContext(),
      );
    const unknown = s.acsUrl.replace(s.connectionId, `${s.connectionId.slice(0, -4)}zzzz`);
    expect((await post(unknown))?.status).toBe(400);
    expect((await post(s.acsUrl))?.status).toBe(302);
  });
});
