/**
 * Conformance against requests no one here wrote (issue 17): the request sequences Okta,
 * Microsoft (Entra ID) and RFC 7644 publish, replayed in order from test/fixtures/scim
 * (sources and licenses in its README). The same replay runs against `wrangler dev` in
 * test/node/openapi/typed-client.test.ts.
 */
import { describe, it } from "vitest";
import entra from "../../fixtures/scim/entra-id.json";
import okta from "../../fixtures/scim/okta-scim-2.0.json";
import rfc from "../../fixtures/scim/rfc7644.json";
import { scim, scimOrg } from "./helpers";
import { replay, type Step } from "./replay";

/** A fresh org with a SCIM token, and the fixture's steps sent to it through the worker. */
async function replayInWorkerd(steps: Step[]): Promise<void> {
  const s = await scimOrg();
  await replay(steps, (method, path, body, headers) => scim(s, method, path, body, headers));
}

describe("published SCIM request sequences", () => {
  it("Okta's SCIM 2.0 protocol reference: users (PUT for updates, PATCH for active) and group push", async () => {
    await replayInWorkerd(okta.steps as Step[]);
  }, 60_000);

  it('Microsoft Entra ID\'s provisioning requests, including the path-less Replace with "False"', async () => {
    await replayInWorkerd(entra.steps as Step[]);
  }, 60_000);

  it("RFC 7644's examples", async () => {
    await replayInWorkerd(rfc.steps as Step[]);
  }, 60_000);
});
