/**
 * Replays a published SCIM request sequence (test/fixtures/scim, sources and licenses in its
 * README) in order, asserting each answer. Shared by the replay inside workerd
 * (conformance.test.ts) and the one against `wrangler dev` (test/node/openapi): `send` is
 * the one thing that differs.
 */
import { expect } from "vitest";

export interface Step {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  save?: string;
  expect: { status: number; body?: unknown; absent?: string[] };
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** One SCIM request to the org's base (`path` like `/Users`), as its IdP sends it. */
export type Send = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Answer>;

/** Replaces `{{name}}` placeholders with the IDs saved by earlier steps. */
function fill<T>(value: T, saved: Map<string, string>): T {
  const text = JSON.stringify(value).replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    const id = saved.get(name);
    if (!id) throw new Error(`no saved id ${name}`);
    return id;
  });
  return JSON.parse(text) as T;
}

export async function replay(steps: Step[], send: Send): Promise<void> {
  const saved = new Map<string, string>();
  for (const raw of steps) {
    const step = fill(raw, saved);
    const answer = await send(step.method, step.path, step.body, step.headers);
    expect(answer.status, `${step.name}: ${JSON.stringify(answer.body)}`).toBe(step.expect.status);
    if (answer.status >= 400) expect(answer.headers.get("content-type"), step.name).toBe("application/scim+json");
    if (step.expect.body) expect(answer.body, step.name).toMatchObject(step.expect.body as object);
    for (const name of step.expect.absent ?? []) expect(answer.body, step.name).not.toHaveProperty(name);
    if (step.save) saved.set(step.save, answer.body.id);
  }
}
