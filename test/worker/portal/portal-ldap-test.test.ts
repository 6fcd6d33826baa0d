/**
 * SPEC §9 test sign-in for LDAP connections: a username and password typed into the portal,
 * run through the sign-in's own bind and search against the real slapd (test/setup), ending
 * on the result page. CSRF-protected, throttled like the hosted form, no code, no member,
 * and the password in no row, event or page.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { del, orgEvents } from "../admin/helpers";
import { chooseIdp, newLink, open, resultPageOf, rows, submit, type Link } from "./portal-helpers";

const ldap = inject("ldap");
const alice = ldap.users.alice;

/** A link whose draft LDAP connection points at the plain slapd. */
async function ldapLink(fields: Record<string, string> = {}): Promise<Link> {
  const link = await newLink();
  await chooseIdp(link, "ldap");
  const saved = await submit(link, "/idp", {
    method: "ldap",
    serverUri: ldap.plainUrl,
    bindDn: ldap.service.dn,
    bindPassword: ldap.service.password,
    baseDn: ldap.baseDn,
    ...fields,
  });
  expect(saved.status, await saved.clone().text()).toBe(303);
  return link;
}

/** Posts the test form; a test that ran ends with a 303 to its result page, whose HTML is returned. */
async function runTest(link: Link, username: string, password: string): Promise<string> {
  return resultPageOf(link, await submit(link, "/ldap-test", { username, password }));
}

/** Everything the org's object holds, as text: no password may be in it. */
async function everythingStored(orgId: string): Promise<string> {
  return runInDurableObject(env.ORGS.get(env.ORGS.idFromName(orgId)), async (_i, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
      )
      .toArray()
      .map((t) => t.name);
    return tables.map((t) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM "${t}"`).toArray())).join("\n");
  });
}

describe("setup portal: LDAP test sign-in", () => {
  it("binds as the user and shows the profile and the entry's attributes; no code, no member, no password kept", async () => {
    const link = await ldapLink();
    const { html: portal } = await open(link);
    expect(portal).toContain(`action="${link.path}/ldap-test"`);
    expect(portal).toMatch(/<input id="f-password" name="password"[^>]* type="password" value=""/);
    expect(portal).not.toContain("test sign-in runs for SAML");
    // Step 3 shows what is saved, never the bind password.
    expect(portal).toContain(`value="${ldap.plainUrl}"`);
    expect(portal).toContain(`value="${ldap.baseDn}"`);
    expect(portal).not.toContain(ldap.service.password);
    const html = await runTest(link, alice.mail, alice.password);
    expect(html).toContain("The test sign-in worked.");
    expect(html).toContain(`<td>${alice.mail}</td>`);
    expect(html).toContain("<td>Alice</td>");
    expect(html).toContain("<td>Liddell</td>");
    expect(html).toContain(`cn=engineering,ou=groups,${ldap.baseDn}`);
    expect(html).toContain("Directory attributes");
    // The org of this link does not own the directory's mail domain: the app would refuse Alice.
    expect(html).toContain(`${ldap.mailDomain} is not a verified domain of Portal Test Corp`);
    expect(html).not.toContain(alice.password);
    expect(await rows(link.orgId, "members")).toEqual([]);
    expect(await rows(link.orgId, "auth_codes")).toEqual([]);
    expect(await rows(link.orgId, "login_throttle")).toEqual([]);
    const events = await orgEvents(link.orgId);
    expect(events.find((e) => e.type === "connection.test_succeeded")).toMatchObject({
      actor: `setup_link:${link.linkId}`,
      data: { email: alice.mail },
    });
    expect(events.some((e) => e.type.startsWith("login."))).toBe(false);
    const stored = await everythingStored(link.orgId);
    expect(stored).toContain(alice.mail);
    expect(stored).not.toContain(alice.password);
  });

  it.each([
    ["a wrong password", () => alice.mail, "not-her-password", "ldap_wrong_password", "refused the password"],
    [
      "an unknown user",
      () => `nobody@${ldap.mailDomain}`,
      "whatever-1",
      "ldap_unknown_user",
      `search: no entry matched (mail=nobody@${ldap.mailDomain}) under ${ldap.baseDn}`,
    ],
    [
      "two entries for one username",
      () => `shared@${ldap.mailDomain}`,
      "whatever-2",
      "ldap_ambiguous_user",
      "Several directory entries matched",
    ],
    ["an empty password", () => alice.mail, "", "ldap_empty_password", "The password was empty."],
  ])("names %s in plain words", async (_name, username, password, reason, words) => {
    const link = await ldapLink();
    const html = await runTest(link, username(), password);
    expect(html).toContain("The test sign-in failed.");
    expect(html).toContain(words);
    expect(html).toContain(`${reason}: `);
    const failed = (await orgEvents(link.orgId)).find((e) => e.type === "connection.test_failed");
    expect(failed?.data).toMatchObject({ reason });
    expect(await rows(link.orgId, "members")).toEqual([]);
    if (password) expect(await everythingStored(link.orgId)).not.toContain(password);
  });

  it("names a wrong service-account password as the bind step that failed", async () => {
    const link = await ldapLink({ bindPassword: "wrong-service-password" });
    const html = await runTest(link, alice.mail, alice.password);
    expect(html).toContain("The directory could not be used with the saved settings.");
    expect(html).toContain("ldap_unavailable: bind: invalid credentials");
    expect(await everythingStored(link.orgId)).not.toContain(alice.password);
  });

  it("throttles like the hosted form: after 5 failures for one username, 429 with Retry-After", async () => {
    const link = await ldapLink();
    for (let i = 0; i < 5; i++) await runTest(link, alice.mail, `guess-${i}`);
    const refused = await submit(link, "/ldap-test", { username: alice.mail, password: alice.password });
    const html = await refused.text();
    expect(refused.status, html).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(html).toContain("Too many failed attempts");
    expect((await orgEvents(link.orgId)).filter((e) => e.type === "connection.test_failed")).toHaveLength(5);
  });

  it("refuses a form without the CSRF token, an empty username, and an ended link, before asking the directory", async () => {
    const link = await ldapLink();
    const forged = await submit(link, "/ldap-test", { username: alice.mail, password: alice.password }, { csrf: null });
    expect(forged.status).toBe(403);
    const empty = await submit(link, "/ldap-test", { username: " ", password: "x" });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Enter the username of a directory user");
    const { csrf } = await open(link);
    expect((await del(`organizations/${link.orgId}/setup-links/${link.linkId}`)).status).toBe(204);
    const revoked = await submit(link, "/ldap-test", { username: alice.mail, password: alice.password }, { csrf });
    expect(revoked.status).toBe(410);
    expect(await rows(link.orgId, "setup_tests")).toEqual([]);
    expect(await rows(link.orgId, "login_throttle")).toEqual([]);
  });

  it("a SAML connection has no LDAP test", async () => {
    const link = await newLink();
    await chooseIdp(link, "okta");
    const posted = await submit(link, "/ldap-test", { username: alice.mail, password: alice.password });
    expect(posted.status).toBe(303);
    expect(await rows(link.orgId, "setup_tests")).toEqual([]);
  });
});
