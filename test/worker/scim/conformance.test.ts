/**
 * Conformance against requests no one here wrote (issue 17): the request sequences Okta,
 * Microsoft (Entra ID) and RFC 7644 publish, replayed in order from test/fixtures/scim
 * (sources and licenses in its README).
 */
import { describe, expect, it } from "vitest";
import entra from "../../fixtures/scim/entra-id.json";
import okta from "../../fixtures/scim/okta-scim-2.0.json";
import rfc from "../../fixtures/scim/rfc7644.json";
import { scim, scimOrg } from "./helpers";

interface Step {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  save?: string;
  expect: { status: number; body?: unknown; absent?: string[] };
}

/** Replaces `{{name}}` placeholders with the IDs saved by earlier steps. */
function fill<T>(value: T, saved: Map<string, string>): T {
  const text = JSON.stringify(value).replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    const id = saved.get(name);
    if (!id) throw new Error(`no saved id ${name}`);
    return id;
  });
  return JSON.parse(text) as T;
}

async function replay(steps: Step[]): Promise<void> {
  const s = await scimOrg();
  const saved = new Map<string, string>();
  for (const raw of steps) {
    const step = fill(raw, saved);
    const answer = await scim(s, step.method, step.path, step.body, step.headers);
    expect(answer.status, `${step.name}: ${JSON.stringify(answer.body)}`).toBe(step.expect.status);
    if (answer.status >= 400) expect(answer.headers.get("content-type"), step.name).toBe("application/scim+json");
    if (step.expect.body) expect(answer.body, step.name).toMatchObject(step.expect.body as object);
    for (const name of step.expect.absent ?? []) expect(answer.body, step.name).not.toHaveProperty(name);
    if (step.save) saved.set(step.save, answer.body.id);
  }
}

describe("published SCIM request sequences", () => {
  it("Okta's SCIM 2.0 protocol reference: users (PUT for updates, PATCH for active) and group push", async () => {
    await replay(okta.steps as Step[]);
  }, 60_000);

  it('Microsoft Entra ID\'s provisioning requests, including the path-less Replace with "False"', async () => {
    await replay(entra.steps as Step[]);
  }, 60_000);

  it("RFC 7644's examples", async () => {
    await replay(rfc.steps as Step[]);
  }, 60_000);
});
