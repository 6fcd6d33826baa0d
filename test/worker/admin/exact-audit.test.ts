/**
 * Exact audit data (issue 16 item 10, SPEC §2 "Events"): an update's `changed` names only the
 * fields whose value changed; a request that changes nothing records no update event.
 */
import { describe, expect, it } from "vitest";
import {
  completeSamlFields,
  createOrg,
  createSamlConnection,
  expectStatus,
  idpCertificate,
  oidcFieldsWithEndpoints,
  orgEvents,
  patch,
  post,
  uniqueDomain,
  type AuditEventJson,
} from "./helpers";

const updates = (events: AuditEventJson[], type: string) =>
  events
    .filter((e) => e.type === type)
    .reverse()
    .map((e) => e.data);

describe("organization.updated", () => {
  it("lists only the fields that changed; a domains-only or same-value PATCH records none", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ name: "Acme", domains: [domain] });
    const url = `organizations/${org.id}`;
    expectStatus(await patch(url, { domains: [domain, uniqueDomain()] }), 200);
    expectStatus(await patch(url, { name: "Acme", slug: org.slug, jitProvisioning: true }), 200);
    expectStatus(await patch(url, { name: "Acme", jitProvisioning: false }), 200);
    expectStatus(await patch(url, { name: "Acme Corp", slug: `${org.slug}-2` }), 200);
    expect(updates(await orgEvents(org.id), "organization.updated")).toEqual([
      { changed: ["jitProvisioning"] },
      { changed: ["name", "slug"] },
    ]);
  });
});

describe("connection.updated and sso_configuration.updated", () => {
  it("name the changed settings field by field and skip values sent again unchanged", async () => {
    const org = await createOrg();
    const c = await createSamlConnection(org.id, { name: "Okta", saml: await completeSamlFields() });
    const url = `organizations/${org.id}/connections/${c.id}`;
    expectStatus(await patch(url, { name: "Okta", saml: { wantAssertionsSigned: true, clockSkewSeconds: 60 } }), 200);
    expectStatus(await patch(url, { name: "Okta", saml: { clockSkewSeconds: 90, allowSha1: false } }), 200);
    expectStatus(await patch(url, { saml: { attributeMapping: { email: "mail" } } }), 200);
    expectStatus(await post(`${url}/activate`), 200);
    // The same IdP fields again change nothing; a new entity ID changes exactly that.
    const same = await completeSamlFields();
    const idpFields = {
      idpEntityId: same.idpEntityId,
      idpSsoUrl: same.idpSsoUrl,
      idpCertificate: await idpCertificate(),
    };
    expectStatus(await post(`${url}/idp-metadata`, idpFields), 200);
    expectStatus(await post(`${url}/idp-metadata`, { ...idpFields, idpEntityId: "https://idp.example.com/new" }), 200);
    const events = await orgEvents(org.id);
    expect(updates(events, "connection.updated")).toEqual([
      { changed: ["saml.clockSkewSeconds"] },
      { changed: ["saml.attributeMapping"] },
      { changed: ["saml.idpEntityId"] },
    ]);
    expect(updates(events, "sso_configuration.updated")).toEqual([{ changed: ["saml.idpEntityId"] }]);
  });

  it("count a secret as changed only when its value is new", async () => {
    const org = await createOrg();
    const created = await post(`organizations/${org.id}/connections`, {
      type: "oidc",
      oidc: oidcFieldsWithEndpoints("first-secret"),
    });
    expectStatus(created, 201);
    const url = `organizations/${org.id}/connections/${created.body.id}`;
    expectStatus(await patch(url, { oidc: { clientSecret: "first-secret", clientId: "edge-sso" } }), 200);
    expectStatus(await patch(url, { oidc: { clientSecret: "second-secret" } }), 200);
    expectStatus(await patch(url, { oidc: { clientId: "other", scopes: "openid email profile" } }), 200);
    expect(updates(await orgEvents(org.id), "connection.updated")).toEqual([
      { changed: ["oidc.clientSecret"] },
      { changed: ["oidc.clientId"] },
    ]);
  });
});
