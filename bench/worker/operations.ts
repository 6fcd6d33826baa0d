import { defaultSamlSettings } from "../../src/connections/settings";
import type { Env } from "../../src/env";
import { newConnectionId, newId, newOrgToken } from "../../src/lib/ids";
import { signIdToken } from "../../src/oauth/id-token";
import type { ActiveSigningKey } from "../../src/oauth/signing-keys";
import {
  buildAuthnRequest,
  encodePostBinding,
  encodeRedirectBinding,
  mappedAttributeNames,
  signXml,
  verifySamlResponse,
  type SamlVerificationPolicy,
} from "../../src/saml";
import { orgOp } from "../../src/store/stores";
import type { PendingLogin, Profile } from "../../src/store/org/login-types";

/** One fixture Response and the AuthnRequest ID it answers. */
export interface FixtureResponse {
  samlResponse: string;
  requestId: string;
}

/** What the driver posts to /setup (made at bench start by bench/lib/fixtures.mjs). */
export interface BenchSetup {
  /** The verification clock, ISO: inside the fixtures' validity window. */
  now: string;
  policy: Omit<SamlVerificationPolicy, "spDecryptionKeys" | "mappedAttributes">;
  signed: FixtureResponse;
  encrypted: FixtureResponse;
  /** PKCS#8 PEM of the SP encryption key the encrypted fixture was made for. */
  spEncryptionKeyPem: string;
  /** PKCS#8 PEM of an SP RSA-2048 signing key (signed AuthnRequests), and its certificate. */
  spSigningKeyPem: string;
  spSigningCertificatePem: string;
  idpSsoUrl: string;
  email: string;
}

/** An operation the bench times, by its results.json name. */
export type Operation = () => Promise<unknown>;

/** Everything the operations share, prepared once per isolate. */
export interface Prepared {
  setup: BenchSetup;
  operations: Record<string, Operation>;
}

/** Verification input for one fixture, exactly as the ACS passes it. */
export function verifyInput(setup: BenchSetup, fixture: FixtureResponse, encrypted: boolean) {
  return {
    samlResponse: fixture.samlResponse,
    connection: {
      ...setup.policy,
      mappedAttributes: mappedAttributeNames({}),
      spDecryptionKeys: encrypted ? [setup.spEncryptionKeyPem] : [],
    },
    expectedRequestId: fixture.requestId,
    now: new Date(setup.now),
  };
}

/** Verifies once and throws unless the fixture logs in: a bench of refusals would measure nothing. */
export async function verifyOrThrow(input: Parameters<typeof verifySamlResponse>[0]): Promise<void> {
  const result = await verifySamlResponse(input);
  if (!result.ok) throw new Error(`fixture refused: ${result.error.code}: ${result.error.message}`);
}

/**
 * Imports keys, creates an organization with an active SAML connection in the real
 * OrganizationStore, and checks every operation once.
 */
export async function prepare(env: Env, setup: BenchSetup): Promise<Prepared> {
  const signed = verifyInput(setup, setup.signed, false);
  const encrypted = verifyInput(setup, setup.encrypted, true);
  const spKey = { privateKeyPem: setup.spSigningKeyPem, certificatePem: setup.spSigningCertificatePem };
  const idTokenKey = await newIdTokenKey();
  const org = await createOrganization(env, setup.email);
  const authn = (id: string) =>
    buildAuthnRequest({
      id,
      issuer: setup.policy.spEntityId,
      acsUrl: setup.policy.acsUrl,
      destination: setup.idpSsoUrl,
      forceAuthn: false,
      issueInstant: new Date(setup.now),
    });
  const requestId = () => `_${crypto.randomUUID().replace(/-/g, "")}`;
  const relayState = () => newOrgToken(org.organizationId);
  const operations: Record<string, Operation> = {
    verifySamlResponse: () => verifyOrThrow(signed),
    "verifySamlResponse.encrypted": () => verifyOrThrow(encrypted),
    // As src/flow/saml/start-saml.ts sends them (the SP key PEM unsealed beforehand; src/saml
    // imports it once per isolate).
    "authnRequest.post": async () => encodePostBinding(authn(requestId())),
    "authnRequest.postSigned": async () => encodePostBinding(await signXml(authn(requestId()), spKey)),
    "authnRequest.redirectSigned": () =>
      encodeRedirectBinding({
        destination: setup.idpSsoUrl,
        xml: authn(requestId()),
        relayState: relayState(),
        signingKeyPem: spKey.privateKeyPem,
      }),
    "idToken.sign": () =>
      signIdToken({
        issuer: "http://127.0.0.1:8787",
        clientId: "client_bench",
        profile: profileOf(org, setup.email),
        nonce: "n-0S6_WzA2Mj",
        sid: newOrgToken(org.organizationId),
        key: idTokenKey,
        now: Date.parse(setup.now),
      }),
    "do.pendingLogin": async () => {
      const pending = pendingLogin(org, requestId(), relayState());
      await orgOp(env, org.organizationId, "createPendingLogin", pending);
      const taken = await orgOp(env, org.organizationId, "consumePendingLogin", { relayState: pending.relayState });
      if (!taken) throw new Error("the pending login was not found");
    },
    "do.code": async () => {
      const codeHash = crypto.randomUUID();
      const done = await orgOp(
        env,
        org.organizationId,
        "completeLogin",
        completeLoginInput(org, setup.email, codeHash),
      );
      if (!done.ok) throw new Error(`completeLogin refused: ${done.reason}`);
      const redeemed = await orgOp(env, org.organizationId, "redeemCode", redeemInput(codeHash, crypto.randomUUID()));
      if (!redeemed.ok) throw new Error(`redeemCode refused: ${redeemed.reason}`);
    },
  };
  for (const [name, op] of Object.entries(operations)) {
    try {
      await op();
    } catch (error) {
      throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { setup, operations };
}

export interface BenchOrg {
  organizationId: string;
  connectionId: string;
}

export async function createOrganization(env: Env, email: string): Promise<BenchOrg> {
  const organizationId = newId("org");
  const connectionId = newConnectionId(organizationId);
  const domain = email.slice(email.indexOf("@") + 1);
  await orgOp(env, organizationId, "createOrganization", {
    id: organizationId,
    name: "Bench Inc",
    slug: `bench-${organizationId.slice(-8).toLowerCase()}`,
    ssoAllowed: true,
    jitProvisioning: true,
    domains: [{ domain, verified: true }],
  });
  const created = await orgOp(env, organizationId, "createConnection", {
    id: connectionId,
    type: "saml",
    name: "Bench IdP",
    provider: "Generic",
    domains: [],
    // Only the object's own checks run on this connection (completeLogin): no IdP side.
    settings: {
      allowAnyEmailDomain: false,
      idpInitiatedClientId: null,
      idpInitiatedRedirectUri: null,
      saml: defaultSamlSettings("", ""),
    },
    secrets: {},
  });
  await orgOp(env, organizationId, "activateConnection", { id: connectionId, expectedUpdatedAt: created.updatedAt });
  return { organizationId, connectionId };
}

export function pendingLogin(org: BenchOrg, requestId: string, relayState: string): PendingLogin {
  const now = Date.now();
  return {
    relayState,
    requestId,
    connectionId: org.connectionId,
    clientId: "client_bench",
    redirectUri: "http://127.0.0.1:9/callback",
    state: "af0ifjsldkj",
    nonce: "n-0S6_WzA2Mj",
    codeChallenge: null,
    scope: "openid email profile",
    loginHint: "jane@example.com",
    browserHash: "0".repeat(64),
    upstream: null,
    createdAt: new Date(now).toISOString(),
    expiresAt: now + 600_000,
  };
}

export function completeLoginInput(org: BenchOrg, email: string, codeHash: string) {
  const now = Date.now();
  return {
    connectionId: org.connectionId,
    assertion: { id: `_${crypto.randomUUID().replace(/-/g, "")}`, expiresAt: now + 600_000 },
    identity: {
      subject: email,
      subjectIsTransient: false,
      email,
      emailVerified: true,
      firstName: "Jane",
      lastName: "Doe",
      groups: ["engineering"],
      roles: [],
      rawAttributes: { email: [email] },
    },
    target: {
      clientId: "client_bench",
      redirectUri: "http://127.0.0.1:9/callback",
      state: null,
      nonce: null,
      codeChallenge: null,
      scope: "openid email",
    },
    codeHash,
    codeExpiresAt: now + 60_000,
    // The login's session (SPEC §9), as flow/complete-login.ts opens it.
    session: { sid: newOrgToken(org.organizationId), saml: null, expiresAt: now + 8 * 3_600_000 },
  };
}

/** What /oauth/token sends `redeemCode` for a code completeLoginInput minted (client_secret_post, no PKCE). */
export function redeemInput(codeHash: string, tokenHash: string) {
  return {
    codeHash,
    request: {
      client: { clientId: "client_bench", redirectUris: ["http://127.0.0.1:9/callback"], public: false },
      redirectUri: "http://127.0.0.1:9/callback",
      codeVerifier: null,
      verifierChallenge: null,
    },
    accessToken: { tokenHash, expiresAt: Date.now() + 3_600_000 },
  };
}

export function profileOf(org: BenchOrg, email: string): Profile {
  return {
    id: "user_01JBENCH000000000000000000",
    organizationId: org.organizationId,
    connectionId: org.connectionId,
    connectionType: "saml",
    idpId: email,
    email,
    emailVerified: true,
    firstName: "Jane",
    lastName: "Doe",
    groups: ["engineering", "bench"],
    roles: [],
    rawAttributes: { email: [email] },
  };
}

/** An ES256 key as signing-keys.ts holds it: non-extractable, with a kid. */
async function newIdTokenKey(): Promise<ActiveSigningKey> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  return { kid: "bench-key", alg: "ES256", privateKey: pair.privateKey };
}
