// The fixtures, made at bench start: a ~6 KB Response whose Assertion xmlsec1 signed
// with RSA-2048 (exc-c14n, RSA-SHA256) through tools/dev-idp, and the same Response with
// the signed Assertion encrypted for an SP encryption certificate made here.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDevIdp } from "../../tools/dev-idp/index.mjs";
import { generateKeyPair } from "../../tools/dev-idp/keys.mjs";

const TARGET_BYTES = 6 * 1024;
const SP = "https://sso.bench.example/saml/conn_bench";
const EMAIL = "jane@example.com";

/** Attributes a real IdP (Entra ID, Okta) sends for a user in a few groups. */
const BASE_ATTRIBUTES = {
  displayName: ["Jane Doe"],
  department: ["Platform Engineering"],
  title: ["Staff Engineer"],
  employeeNumber: ["100042"],
  costCenter: ["CC-4711"],
  manager: ["CN=John Roe,OU=Engineering,DC=example,DC=com"],
};

export async function makeFixtures() {
  const dir = await mkdtemp(join(tmpdir(), "edge-sso-bench-keys-"));
  const [idp, spEncryption, spSigning] = await Promise.all([
    startDevIdp({ port: 0, host: "127.0.0.1" }),
    generateKeyPair(dir, "sp-encryption"),
    generateKeyPair(dir, "sp-signing"),
  ]);
  const now = new Date();
  const base = {
    acsUrl: `${SP}/acs`,
    audience: `${SP}/metadata`,
    email: EMAIL,
    now: now.toISOString(),
    // Long enough for the peers, which read the real clock, to run the same fixture.
    notOnOrAfter: new Date(now.getTime() + 2 * 3600_000).toISOString(),
  };
  const requestId = () => `_${randomBytes(16).toString("hex")}`;
  // Sign once with the base attributes, then pad with group memberships to ~6 KB.
  const probe = await idp.sign({ ...base, inResponseTo: requestId(), attributes: BASE_ATTRIBUTES });
  const missing = TARGET_BYTES - Buffer.byteLength(probe.xml);
  const groups = [];
  for (let i = 0; groupsBytes(groups) < missing; i++)
    groups.push(`CN=app-${String(i).padStart(3, "0")}-users,OU=Groups,DC=example,DC=com`);
  const attributes = { ...BASE_ATTRIBUTES, memberOf: groups };
  const signedId = requestId();
  const encryptedId = requestId();
  const [signed, encrypted] = await Promise.all([
    idp.sign({ ...base, inResponseTo: signedId, attributes }),
    idp.sign({ ...base, inResponseTo: encryptedId, attributes, encryptFor: spEncryption.certificatePem }),
  ]);
  return {
    idp,
    email: EMAIL,
    now: new Date(now.getTime() + 1000).toISOString(),
    policy: {
      idpEntityId: idp.entityId,
      idpCertificates: [idp.certificatePem],
      spEntityId: base.audience,
      acsUrl: base.acsUrl,
      wantAssertionsSigned: true,
      wantResponseSigned: false,
      allowIdpInitiated: false,
      allowSha1: false,
      clockSkewSeconds: 60,
    },
    signed: {
      samlResponse: signed.samlResponse,
      requestId: signedId,
      xml: signed.xml,
      bytes: Buffer.byteLength(signed.xml),
    },
    encrypted: {
      samlResponse: encrypted.samlResponse,
      requestId: encryptedId,
      xml: encrypted.xml,
      bytes: Buffer.byteLength(encrypted.xml),
    },
    spEncryptionKeyPem: await readFile(spEncryption.keyPath, "utf8"),
    spSigningKeyPem: await readFile(spSigning.keyPath, "utf8"),
    spSigningCertificatePem: spSigning.certificatePem,
    idpSsoUrl: idp.ssoUrl,
  };
}

/** What /setup of the bench worker takes: the fixtures without the Node-only fields. */
export function benchSetup(f) {
  const strip = ({ samlResponse, requestId }) => ({ samlResponse, requestId });
  return {
    now: f.now,
    policy: f.policy,
    signed: strip(f.signed),
    encrypted: strip(f.encrypted),
    spEncryptionKeyPem: f.spEncryptionKeyPem,
    spSigningKeyPem: f.spSigningKeyPem,
    spSigningCertificatePem: f.spSigningCertificatePem,
    idpSsoUrl: f.idpSsoUrl,
    email: f.email,
  };
}

/** Bytes one more memberOf value adds: the value plus its AttributeValue tags. */
function groupsBytes(groups) {
  return (
    groups.reduce((n, g) => n + Buffer.byteLength(g) + "<saml:AttributeValue></saml:AttributeValue>".length, 0) +
    '<saml:Attribute Name="memberOf" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"></saml:Attribute>'
      .length
  );
}
