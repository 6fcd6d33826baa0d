/** Helpers of the setup portal tests: a link, its pages, its forms with their CSRF token. */
import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { BASE, createOrg, expectStatus, post, uniqueDomain } from "../admin/helpers";
import { inflate, signResponse } from "../flow/flow-helpers";

export interface Link {
  orgId: string;
  linkId: string;
  token: string;
  path: string;
  domain: string;
}

/** An org with a verified domain and a fresh setup link. */
export async function newLink(body: Record<string, unknown> = {}): Promise<Link> {
  const domain = uniqueDomain("portal");
  const org = await createOrg({ name: "Portal Test Corp", domains: [domain] });
  const created = await post(`organizations/${org.id}/setup-links`, body);
  expectStatus(created, 201);
  const token = (created.body.url as string).slice(`${BASE}/setup/`.length);
  return { orgId: org.id, linkId: created.body.id, token, path: `/setup/${token}`, domain };
}

export function page(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(`${BASE}${path}`, { redirect: "manual", ...init });
}

/** The portal page's HTML and the CSRF token its forms carry. */
export async function open(link: Link): Promise<{ html: string; csrf: string; response: Response }> {
  const response = await page(link.path);
  const html = await response.text();
  expect(response.status, html).toBe(200);
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  return { html, csrf, response };
}

/** Posts a portal form (urlencoded, or multipart when `files` is given). */
export async function submit(
  link: Link,
  action: string,
  fields: Record<string, string>,
  options: { csrf?: string | null; cookie?: string; files?: Record<string, { name: string; text: string }> } = {},
): Promise<Response> {
  const csrf = options.csrf === undefined ? (await open(link)).csrf : options.csrf;
  const all = csrf === null ? fields : { csrf, ...fields };
  let body: BodyInit;
  const headers: Record<string, string> = {};
  if (options.files) {
    const form = new FormData();
    for (const [k, v] of Object.entries(all)) form.append(k, v);
    for (const [k, f] of Object.entries(options.files))
      form.append(k, new File([f.text], f.name, { type: "text/xml" }));
    body = form;
  } else {
    body = new URLSearchParams(all).toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
  }
  if (options.cookie) headers.cookie = options.cookie;
  return page(`${link.path}${action}`, { method: "POST", headers, body });
}

/** A finished test sign-in's answer: a 303 to this link's result page, whose HTML is returned. */
export async function resultPageOf(link: Link, finished: Response): Promise<string> {
  expect(finished.status, await finished.clone().text()).toBe(303);
  const location = finished.headers.get("location")!;
  expect(location).toMatch(new RegExp(`^${link.path}/tests/req_`));
  const result = await page(location);
  expect(result.status).toBe(200);
  return result.text();
}

/** Chooses an IdP in the portal (303 asserted) and returns the link's connection ID. */
export async function chooseIdp(link: Link, provider = "okta"): Promise<string> {
  const response = await submit(link, "/provider", { provider });
  expect(response.status, await response.clone().text()).toBe(303);
  return linkRow(link).then((row) => row.connection_id as string);
}

export async function linkRow(link: Link): Promise<Record<string, SqlStorageValue>> {
  return runInDurableObject(env.ORGS.get(env.ORGS.idFromName(link.orgId)), async (_i, state) =>
    state.storage.sql.exec("SELECT * FROM setup_links WHERE id = ?", link.linkId).one(),
  );
}

/** Rows of an org's table, read inside its object. */
export async function rows(orgId: string, table: string): Promise<Record<string, SqlStorageValue>[]> {
  return runInDurableObject(env.ORGS.get(env.ORGS.idFromName(orgId)), async (_i, state) =>
    state.storage.sql.exec(`SELECT * FROM ${table}`).toArray(),
  );
}

/** Runs a test sign-in: the portal's form, the IdP's signed answer for that request, the ACS. */
export async function runTestSignIn(
  link: Link,
  connectionId: string,
  sign: Record<string, unknown> = {},
): Promise<{ acs: Response; resultPath: string | null }> {
  const started = await submit(link, "/test", {});
  expect(started.status, await started.clone().text()).toBe(302);
  const location = new URL(started.headers.get("location")!);
  const requestXml = await inflate(location.searchParams.get("SAMLRequest")!);
  const requestId = /ID="([^"]+)"/.exec(requestXml)![1]!;
  const cookie = started.headers.get("set-cookie")!.split(";")[0]!;
  const acsUrl = `${BASE}/saml/${connectionId}/acs`;
  const signed = await signResponse({
    acsUrl,
    audience: `${BASE}/saml/${connectionId}`,
    email: `jane@${link.domain}`,
    inResponseTo: requestId,
    ...sign,
  });
  const acs = await page(`/saml/${connectionId}/acs`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({
      SAMLResponse: signed.samlResponse,
      RelayState: location.searchParams.get("RelayState")!,
    }).toString(),
  });
  return { acs, resultPath: acs.status === 303 ? acs.headers.get("location") : null };
}
