/**
 * SPEC §2: secrets are write-only. Creates every kind of secret, then reads everything the
 * API serves (including both audit logs and error answers) and asserts no secret, sealed
 * value or private-key body appears anywhere; and that storage holds them only sealed or hashed.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { unseal } from "../../../src/crypto/seal";
import { generateSpKeyPair } from "../../../src/crypto/sp-keys";
import {
  type ApiResponse,
  completeSamlFields,
  createOrg,
  expectProblem,
  expectStatus,
  get,
  patch,
  post,
  uniqueDomain,
} from "./helpers";

const pemBody = (pem: string) => pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
/**
 * Pieces of a PKCS#8 RSA key that only the private key holds: its middle (the private
 * exponent and primes) and its tail (the CRT values). Its head holds the public modulus,
 * which the certificate rightly publishes.
 */
const privateParts = (pem: string): string[] => {
  const body = pemBody(pem);
  const middle = Math.floor(body.length / 2);
  return [body.slice(middle, middle + 96), body.slice(-104, -8)];
};

/** Every row of every table of an object, as one string. */
async function dumpStorage(stub: DurableObjectStub): Promise<string> {
  return runInDurableObject(stub, (_instance, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'",
      )
      .toArray();
    return JSON.stringify(tables.map((t) => state.storage.sql.exec(`SELECT * FROM "${t.name}"`).toArray()));
  });
}

describe("no secret in any serialized response", () => {
  it("OIDC/LDAP secrets, SP private keys, client, webhook and API key secrets never come back", async () => {
    const domain = uniqueDomain();
    const org = await createOrg({ domains: [domain] });
    const oidcSecret = `oidc-secret-${crypto.randomUUID()}`;
    const rotatedOidcSecret = `oidc-rotated-${crypto.randomUUID()}`;
    const bindPassword = `ldap-bind-${crypto.randomUUID()}`;
    const [signing, encryption] = await Promise.all([
      generateSpKeyPair({ commonName: "custom signing" }),
      generateSpKeyPair({ commonName: "custom enc" }),
    ]);

    const responses: ApiResponse[] = [];
    const keep = (r: ApiResponse) => {
      responses.push(r);
      return r;
    };
    const orgPath = `organizations/${org.id}`;
    const oidc = keep(
      await post(`${orgPath}/connections`, {
        type: "oidc",
        oidc: {
          issuer: "https://login.example.com",
          clientId: "cid",
          clientSecret: oidcSecret,
          authorizationEndpoint: "https://login.example.com/a",
          tokenEndpoint: "https://login.example.com/t",
          jwksUri: "https://login.example.com/j",
        },
      }),
    );
    expectStatus(oidc, 201);
    keep(await post(`${orgPath}/connections/${oidc.body.id}/activate`));
    keep(await patch(`${orgPath}/connections/${oidc.body.id}`, { oidc: { clientSecret: rotatedOidcSecret } }));
    const saml = keep(
      await post(`${orgPath}/connections`, {
        type: "saml",
        domains: [domain],
        saml: {
          ...(await completeSamlFields()),
          spSigningKeyPair: { privateKey: signing.privateKeyPem, certificate: signing.certificatePem },
          spEncryptionKeyPair: { privateKey: encryption.privateKeyPem, certificate: encryption.certificatePem },
        },
      }),
    );
    expectStatus(saml, 201);
    keep(await post(`${orgPath}/connections/${saml.body.id}/activate`));
    const generated = keep(await post(`${orgPath}/connections`, { type: "saml" }));
    const ldap = keep(
      await post(`${orgPath}/connections`, {
        type: "ldap",
        ldap: { serverUri: "ldaps://ldap.example.com", bindDn: "cn=svc", bindPassword, baseDn: "dc=example" },
      }),
    );
    expectStatus(ldap, 201);
    const client = await post("clients", { name: "secretive", redirectUris: ["https://app.example.com/cb"] });
    const webhook = await post("webhooks", { url: "https://hooks.example.com/s", events: ["user.created"] });
    const apiKey = await post("api-keys", { name: "secretive", scope: "admin" });
    const clientSecret = client.body.clientSecret as string;
    const webhookSecret = webhook.body.secret as string;
    const key = apiKey.body.key as string;
    expect([clientSecret, webhookSecret, key].every((s) => typeof s === "string" && s.length >= 40)).toBe(true);

    // Error answers about secret-bearing fields echo no values.
    keep(await post(`${orgPath}/connections`, { type: "oidc", oidc: { clientSecret: oidcSecret, bogus: true } }));
    keep(
      await post(`${orgPath}/connections`, {
        type: "saml",
        saml: { spSigningKeyPair: { privateKey: signing.privateKeyPem, certificate: encryption.certificatePem } },
      }),
    );
    keep(await post(`${orgPath}/connections`, { type: "ldap", ldap: { bindPassword, serverUri: "http://nope" } }));

    // Read everything back.
    const connIds = [oidc.body.id, saml.body.id, generated.body.id, ldap.body.id] as string[];
    for (const path of [
      orgPath,
      `${orgPath}/connections?limit=100`,
      `${orgPath}/sso`,
      `${orgPath}/sso/connection`,
      `${orgPath}/events?limit=100`,
      `${orgPath}/users`,
      ...connIds.map((id) => `${orgPath}/connections/${id}`),
      ...connIds.map((id) => `${orgPath}/connections/${id}/sp-metadata`),
      "events?limit=100",
      "clients?limit=100",
      `clients/${client.body.clientId}`,
      "webhooks?limit=100",
      `webhooks/${webhook.body.id}`,
      "api-keys?limit=100",
      "organizations?limit=100",
    ]) {
      keep(await get(path));
    }
    for (const id of connIds) keep(await get(`/saml/${id}/metadata`, { key: null }));
    keep(await get("/openapi.json", { key: null }));
    expect(responses.filter((r) => r.status >= 500)).toEqual([]);

    // The secrets the SP generated itself, recovered from storage to know what to look for.
    const orgStub = env.ORGS.get(env.ORGS.idFromName(org.id));
    const sealed = await runInDurableObject(orgStub, (_i, state) =>
      state.storage.sql
        .exec<{ secrets: string }>("SELECT secrets FROM connections")
        .toArray()
        .map((r) => JSON.parse(r.secrets) as Record<string, string>),
    );
    const sealedValues = sealed.flatMap((s) => Object.values(s));
    expect(sealedValues.length).toBe(1 + 2 + 2 + 1); // oidc clientSecret, 2 custom SP keys, 2 generated SP keys, ldap bindPassword
    const generatedKeys = await Promise.all(sealedValues.map((v) => unseal(env, v)));

    const forbidden: Record<string, string> = {
      oidcSecret,
      rotatedOidcSecret,
      bindPassword,
      clientSecret,
      webhookSecret,
      webhookKey: webhookSecret.slice("whsec_".length),
      apiKey: key,
    };
    privateParts(signing.privateKeyPem).forEach((part, i) => (forbidden[`customSigningKey${i}`] = part));
    privateParts(encryption.privateKeyPem).forEach((part, i) => (forbidden[`customEncryptionKey${i}`] = part));
    generatedKeys.forEach((plain, i) => {
      if (!plain.includes("PRIVATE KEY")) forbidden[`unsealed${i}`] = plain;
      else privateParts(plain).forEach((part, j) => (forbidden[`unsealed${i}.${j}`] = part));
    });
    sealedValues.forEach((v, i) => (forbidden[`sealed${i}`] = v));
    for (const response of responses) {
      for (const [name, secret] of Object.entries(forbidden)) {
        expect(response.text.includes(secret), `${name} in a response: ${response.text.slice(0, 200)}`).toBe(false);
        expect(
          response.text.replace(/\\n|\s/g, "").includes(secret),
          `${name} (unwrapped) in a response: ${response.text.slice(0, 200)}`,
        ).toBe(false);
      }
      expect(response.text).not.toMatch(/PRIVATE KEY/);
    }
    // The responses at creation (outside `responses`) carried exactly the one-time secrets.
    expect(client.text).toContain(clientSecret);
    expect(webhook.text).toContain(webhookSecret);
    expect(apiKey.text).toContain(key);

    // At rest: sealed or hashed, never in clear.
    const stored = [
      await dumpStorage(orgStub),
      ...(await Promise.all(
        ["clients", "webhooks", "api-keys", "events"].map((s) => dumpStorage(env.APP.get(env.APP.idFromName(s)))),
      )),
    ];
    for (const dump of stored) {
      for (const [name, secret] of Object.entries(forbidden)) {
        if (name.startsWith("sealed")) continue;
        expect(dump.replace(/\\n|\s/g, "").includes(secret), `${name} stored in clear`).toBe(false);
      }
    }
  });

  it("a rotated OIDC secret replaces the old one and keeps clientSecretSet", async () => {
    const org = await createOrg();
    const created = await post(`organizations/${org.id}/connections`, {
      type: "oidc",
      oidc: { clientSecret: "first-secret-value" },
    });
    const sealedBefore = await runInDurableObject(
      env.ORGS.get(env.ORGS.idFromName(org.id)),
      (_i, state) =>
        (
          JSON.parse(state.storage.sql.exec<{ secrets: string }>("SELECT secrets FROM connections").one().secrets) as {
            clientSecret: string;
          }
        ).clientSecret,
    );
    expect(await unseal(env, sealedBefore)).toBe("first-secret-value");
    const rotated = await patch(`organizations/${org.id}/connections/${created.body.id}`, {
      oidc: { clientSecret: "second-secret-value" },
    });
    expectStatus(rotated, 200);
    expect(rotated.body.oidc.clientSecretSet).toBe(true);
    const sealedAfter = await runInDurableObject(
      env.ORGS.get(env.ORGS.idFromName(org.id)),
      (_i, state) =>
        (
          JSON.parse(state.storage.sql.exec<{ secrets: string }>("SELECT secrets FROM connections").one().secrets) as {
            clientSecret: string;
          }
        ).clientSecret,
    );
    expect(await unseal(env, sealedAfter)).toBe("second-secret-value");
    expectProblem(
      await patch(`organizations/${org.id}/connections/${created.body.id}`, { oidc: { clientSecret: "" } }),
      400,
      "validation_failed",
    );
  });
});
