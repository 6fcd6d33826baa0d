/**
 * SP key rollover end to end (SPEC §9): `sp-keys/rotate` publishes a new signing and
 * encryption pair beside the active one in SP metadata; `sp-keys/activate` signs
 * AuthnRequests and decrypts with it while the replaced pair keeps decrypting;
 * `DELETE …/sp-keys/previous` removes the replaced pair, and an assertion encrypted to it
 * then fails as `decryption_failed`. Assertions are signed and encrypted by xmlsec1 (the dev IdP).
 */
import { describe, expect, it } from "vitest";
import { x509 } from "../../../src/crypto/x509";
import { del, expectProblem, expectStatus, get, mintKey, post } from "../admin/helpers";
import {
  authorizeUrl,
  BASE,
  failureReason,
  fetchWorker,
  postAcs,
  REDIRECT_URI,
  seedSaml,
  signResponse,
  startLogin,
  type Seeded,
} from "../flow/flow-helpers";
import { fingerprintOf } from "./helpers";

/** A login whose assertion the dev IdP encrypts to `certificatePem`: the ACS answer. */
async function loginEncryptedTo(s: Seeded, certificatePem: string): Promise<Response> {
  const email = `jane@${s.domain}`;
  const started = await startLogin(authorizeUrl(s, { login_hint: email }));
  const signed = await signResponse({
    inResponseTo: started.requestId,
    acsUrl: s.acsUrl,
    audience: s.entityId,
    email,
    encryptFor: certificatePem,
  });
  expect(signed.xml).toContain("EncryptedAssertion");
  return postAcs(s.acsUrl, { SAMLResponse: signed.samlResponse, RelayState: started.relayState }, started.cookie);
}

function expectCode(acs: Response): void {
  expect(acs.status).toBe(302);
  const back = new URL(acs.headers.get("location")!);
  expect(`${back.origin}${back.pathname}`).toBe(REDIRECT_URI);
  expect(back.searchParams.get("code")).toBeTruthy();
}

/** The certificates of each use the public SP metadata XML lists, in order (base64 DER). */
async function metadataCertificates(s: Seeded): Promise<{ signing: string[]; encryption: string[] }> {
  const xml = await (await fetchWorker(`${BASE}/saml/${s.connectionId}/metadata`)).text();
  const of = (use: string) =>
    [...xml.matchAll(new RegExp(`<md:KeyDescriptor use="${use}">[\\s\\S]*?<ds:X509Certificate>([^<]+)<`, "g"))].map(
      (m) => m[1]!.replace(/\s+/g, ""),
    );
  return { signing: of("signing"), encryption: of("encryption") };
}

const der = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");

/** Whether the HTTP-Redirect AuthnRequest's signature (SAML bindings 3.4.4.1) verifies under `certificatePem`. */
async function redirectSignatureVerifies(location: string, certificatePem: string): Promise<boolean> {
  const query = location.slice(location.indexOf("?") + 1);
  const signedPart = query.slice(0, query.indexOf("&Signature="));
  const signature = new URL(location).searchParams.get("Signature")!;
  const key = await crypto.subtle.importKey(
    "spki",
    new x509.X509Certificate(certificatePem).publicKey.rawData,
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const bytes = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
  return crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, bytes, new TextEncoder().encode(signedPart));
}

async function authnRequestLocation(s: Seeded): Promise<string> {
  const response = await fetchWorker(authorizeUrl(s, { login_hint: `a@${s.domain}` }));
  expect(response.status).toBe(302);
  return response.headers.get("location")!;
}

type CertificateJson = { role: string; fingerprintSha256: string; status: string };
const spCertificates = async (path: string) =>
  ((await get(path)).body.certificates as CertificateJson[])
    .filter((c) => c.role !== "idp_signing")
    .map(({ role, fingerprintSha256, status }) => ({ role, fingerprintSha256, status }));

describe("SP key rollover", () => {
  it("rotate → both pairs in metadata → activate → the new key signs and decrypts, the old one still decrypts until removed", async () => {
    const s = await seedSaml({ saml: { signAuthnRequests: true } });
    const path = `organizations/${s.orgId}/connections/${s.connectionId}`;
    const before = (await get(path)).body;
    const old = {
      signing: before.sp.signingCertificate as string,
      encryption: before.sp.encryptionCertificate as string,
    };

    // Nothing pending, nothing kept: both answer with a problem.
    expectProblem(await post(`${path}/sp-keys/activate`), 409, "conflict");
    expectProblem(await del(`${path}/sp-keys/previous`), 404, "not_found");

    const rotated = await post(`${path}/sp-keys/rotate`);
    expectStatus(rotated, 201);
    expect(Object.keys(rotated.body).sort()).toEqual(["encryption", "signing"]);
    const next = rotated.body as { signing: string; encryption: string };
    expect(next.signing).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(next.encryption).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(new Set([next.signing, next.encryption, old.signing, old.encryption]).size).toBe(4);
    expect(rotated.text).not.toContain("PRIVATE KEY");
    // One pending pair at a time.
    expectProblem(await post(`${path}/sp-keys/rotate`), 409, "conflict");

    // Published beside the old pair; the old one still signs.
    expect(await metadataCertificates(s)).toEqual({
      signing: [der(old.signing), der(next.signing)],
      encryption: [der(old.encryption), der(next.encryption)],
    });
    const fp = {
      oldSigning: await fingerprintOf(old.signing),
      oldEncryption: await fingerprintOf(old.encryption),
      newSigning: await fingerprintOf(next.signing),
      newEncryption: await fingerprintOf(next.encryption),
    };
    expect(await spCertificates(path)).toEqual([
      { role: "sp_signing", fingerprintSha256: fp.oldSigning, status: "active" },
      { role: "sp_encryption", fingerprintSha256: fp.oldEncryption, status: "active" },
      { role: "sp_signing", fingerprintSha256: fp.newSigning, status: "pending" },
      { role: "sp_encryption", fingerprintSha256: fp.newEncryption, status: "pending" },
    ]);
    let location = await authnRequestLocation(s);
    expect(await redirectSignatureVerifies(location, old.signing)).toBe(true);
    expect(await redirectSignatureVerifies(location, next.signing)).toBe(false);
    // The published encryption certificate is usable at once: an IdP may pick it up before the switch.
    expectCode(await loginEncryptedTo(s, next.encryption));

    const activated = await post(`${path}/sp-keys/activate`);
    expectStatus(activated, 200);
    expect(activated.body.sp).toMatchObject({
      signingCertificate: next.signing,
      encryptionCertificate: next.encryption,
    });
    expect(activated.body.sp.pendingSigningCertificate).toBeUndefined();
    expect(await spCertificates(path)).toEqual([
      { role: "sp_signing", fingerprintSha256: fp.newSigning, status: "active" },
      { role: "sp_encryption", fingerprintSha256: fp.newEncryption, status: "active" },
      { role: "sp_signing", fingerprintSha256: fp.oldSigning, status: "previous" },
      { role: "sp_encryption", fingerprintSha256: fp.oldEncryption, status: "previous" },
    ]);
    expect(await metadataCertificates(s)).toEqual({
      signing: [der(next.signing), der(old.signing)],
      encryption: [der(next.encryption), der(old.encryption)],
    });
    expectProblem(await post(`${path}/sp-keys/activate`), 409, "conflict");
    // Rotating again waits until the previous pair is removed: metadata never lists three.
    expectProblem(await post(`${path}/sp-keys/rotate`), 409, "conflict");

    // AuthnRequests are signed with the new key now.
    location = await authnRequestLocation(s);
    expect(await redirectSignatureVerifies(location, next.signing)).toBe(true);
    expect(await redirectSignatureVerifies(location, old.signing)).toBe(false);
    // Assertions encrypted to the new key log in, and so do those to the old one.
    expectCode(await loginEncryptedTo(s, next.encryption));
    expectCode(await loginEncryptedTo(s, old.encryption));

    expectStatus(await del(`${path}/sp-keys/previous`), 204);
    expect(await metadataCertificates(s)).toEqual({ signing: [der(next.signing)], encryption: [der(next.encryption)] });
    expect((await spCertificates(path)).map((c) => c.status)).toEqual(["active", "active"]);
    expectProblem(await del(`${path}/sp-keys/previous`), 404, "not_found");
    expectCode(await loginEncryptedTo(s, next.encryption));
    const refused = await loginEncryptedTo(s, old.encryption);
    expect(refused.headers.get("location") ?? "").not.toContain("code=");
    const body =
      refused.status === 302
        ? new URL(refused.headers.get("location")!).searchParams.get("error_description")!
        : await refused.text();
    expect(await failureReason(s.orgId, body)).toBe("decryption_failed");

    // Each step is a change of the active connection's settings, named in its events.
    const events = (await get(`organizations/${s.orgId}/events?type=sso_configuration.updated&limit=100`)).body
      .data as {
      data: { changed: string[] };
    }[];
    const changes = events.map((e) => e.data.changed).reverse();
    expect(changes).toEqual([
      ["saml.spPendingKeys"],
      ["saml.spSigningCertificate", "saml.spEncryptionCertificate", "saml.spPendingKeys", "saml.spPreviousKeys"],
      ["saml.spPreviousKeys"],
    ]);
    expect(JSON.stringify(events)).not.toContain("PRIVATE KEY");
  });

  it("org-scoped keys rotate on their own org only; other connection types have no SP keys", async () => {
    const s = await seedSaml();
    const other = await seedSaml();
    const own = await mintKey(`organization:${s.orgId}`);
    const path = `organizations/${s.orgId}/connections/${s.connectionId}`;
    expectStatus(await post(`${path}/sp-keys/rotate`, undefined, { key: own.key }), 201);
    expectStatus(await post(`${path}/sp-keys/activate`, undefined, { key: own.key }), 200);
    expectStatus(await del(`${path}/sp-keys/previous`, { key: own.key }), 204);
    const foreign = `organizations/${other.orgId}/connections/${other.connectionId}`;
    expectProblem(await post(`${foreign}/sp-keys/rotate`, undefined, { key: own.key }), 403, "forbidden");
    expectProblem(await post(`${path}/sp-keys/rotate`, undefined, { key: null }), 401, "unauthorized");

    const oidc = await post(`organizations/${s.orgId}/connections`, { type: "oidc" });
    expectStatus(oidc, 201);
    expectProblem(await post(`organizations/${s.orgId}/connections/${oidc.body.id}/sp-keys/rotate`), 409, "conflict");
    expect(oidc.body.certificates).toEqual([]);

    await post(`organizations/${s.orgId}/disallow_sso`);
    expectProblem(await post(`${path}/sp-keys/rotate`), 403, "sso_not_allowed");
  });
});
