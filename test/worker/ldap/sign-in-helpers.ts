/**
 * Helpers of the LDAP sign-in tests: an org owning the test directory's mail domain, an
 * active `ldap` connection to the plain slapd, and the browser's side of the hosted form
 * (the binding cookie, the CSRF token, the client IP), driven through the worker.
 */
import { expect, inject } from "vitest";
import { del, expectStatus, post } from "../admin/helpers";
import { authorizeUrl, fetchWorker, type Seeded } from "../flow/flow-helpers";

export const ldap = inject("ldap");

/** A client, an org owning the directory's mail domain (verified), and an active LDAP connection. */
export async function seedLdap(
  connection: Record<string, unknown> = {},
  org: Record<string, unknown> = {},
): Promise<Seeded & { remove(): Promise<void> }> {
  const client = await post("clients", { name: "App", redirectUris: ["https://app.example.com/callback"] });
  expectStatus(client, 201);
  const created = await post("organizations", { name: "Directory Co", domains: [ldap.mailDomain], ...org });
  expectStatus(created, 201);
  const conn = await post(`organizations/${created.body.id}/connections`, {
    type: "ldap",
    name: "Corp <Directory>",
    ldap: {
      serverUri: ldap.plainUrl,
      bindDn: ldap.service.dn,
      bindPassword: ldap.service.password,
      baseDn: ldap.baseDn,
      ...connection,
    },
  });
  expectStatus(conn, 201);
  expectStatus(await post(`organizations/${created.body.id}/connections/${conn.body.id}/activate`), 200);
  return {
    clientId: client.body.clientId,
    clientSecret: client.body.clientSecret,
    orgId: created.body.id,
    connectionId: conn.body.id,
    domain: ldap.mailDomain,
    acsUrl: "",
    entityId: "",
    // The org holds the directory's mail domain; deleting it releases the domain for the next file.
    remove: async () => expectStatus(await del(`organizations/${created.body.id}`), 204),
  };
}

/** A started LDAP login: the form's URL and the browser's binding cookie. */
export interface StartedLdapLogin {
  formUrl: string;
  cookie: string;
}

export async function startLdapLogin(s: Seeded, params: Record<string, string>): Promise<StartedLdapLogin> {
  const response = await fetchWorker(authorizeUrl(s, { state: "st-ldap", ...params }));
  expect(response.status, await response.clone().text()).toBe(302);
  const formUrl = response.headers.get("location")!;
  expect(formUrl).toMatch(new RegExp(`^https://sso\\.test/ldap/${s.connectionId}/login\\?rs=[^&]+$`));
  const setCookie = response.headers.get("set-cookie")!;
  expect(setCookie).toMatch(/HttpOnly; Path=\/; Max-Age=600; SameSite=None; Secure/);
  return { formUrl, cookie: setCookie.split(";")[0]! };
}

/** GETs the form with the cookie; returns the page and its CSRF token. */
export async function openForm(started: StartedLdapLogin): Promise<{ response: Response; html: string; csrf: string }> {
  const response = await fetchWorker(started.formUrl, { headers: { cookie: started.cookie } });
  const html = await response.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  return { response, html, csrf };
}

/** POSTs the form as this browser, from client IP `ip`. */
export async function submitForm(
  started: StartedLdapLogin,
  fields: { username: string; password: string; csrf: string },
  ip = "198.51.100.7",
): Promise<Response> {
  return fetchWorker(started.formUrl, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: started.cookie,
      "cf-connecting-ip": ip,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

/** A fresh login up to the form, then one submission. */
export async function signInOnce(
  s: Seeded,
  username: string,
  password: string,
  ip?: string,
): Promise<{ response: Response; html: string }> {
  const started = await startLdapLogin(s, { organization_id: s.orgId });
  const { csrf } = await openForm(started);
  const response = await submitForm(started, { username, password, csrf }, ip);
  return { response, html: response.status === 302 ? "" : await response.text() };
}
