/**
 * Helpers of the RP-initiated logout tests (SPEC §9): /oauth/logout through the worker's own
 * entry point, and the reason a refusal recorded under the page's reference id.
 */
import { expect } from "vitest";
import { eventually, get } from "../admin/helpers";
import { BASE, send, type Reply } from "../worker-client";

/** Where a registered client returns after logout. */
export const POST_LOGOUT_URI = "https://app.example.com/signed-out";

/** GET /oauth/logout with these parameters. */
export function logoutGet(params: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
  return send(`${BASE}/oauth/logout?${new URLSearchParams(params)}`, { headers });
}

/** POST /oauth/logout, form-encoded. */
export function logoutPost(params: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
  return send("/oauth/logout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params).toString(),
  });
}

/** The reason `logout.failed` recorded under the reference id a refusal page shows (app-wide feed, or the org's log). */
export async function logoutFailureReason(html: string, orgId: string | null = null): Promise<string | undefined> {
  const ref = /ref_[0-9a-z]{16}/.exec(html)?.[0];
  expect(ref, "the page shows a reference id").toBeTruthy();
  type Failure = { data: { referenceId: string; reason: string } };
  const path = orgId ? `organizations/${orgId}/events?type=logout.failed` : "events?type=logout.failed&limit=100";
  const find = async () => ((await get(path)).body.data as Failure[]).find((e) => e.data.referenceId === ref);
  return (await eventually(find, (event) => event !== undefined))?.data.reason;
}

/** The confirmation page's form: its hidden fields, and the CSRF cookie the page set. */
export function confirmationForm(reply: Reply): { fields: Record<string, string>; cookie: string } {
  expect(reply.status, reply.text).toBe(200);
  expect(reply.text).toContain('<form method="post" action="/oauth/logout">');
  const fields: Record<string, string> = {};
  for (const m of reply.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[m[1]!] = m[2]!
      .replace(/&amp;/g, "&")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'");
  const setCookie = reply.headers.get("set-cookie") ?? "";
  expect(setCookie).toMatch(/^__Host-esso_logout=[^;]+; HttpOnly; Secure; Path=\/; Max-Age=600; SameSite=Strict$/);
  return { fields, cookie: setCookie.split(";")[0]! };
}
