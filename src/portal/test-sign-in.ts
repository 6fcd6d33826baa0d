import { seal, unseal } from "../crypto/seal";
import type { Env } from "../env";
import { newBrowserBinding, BINDING_MAX_AGE_SECONDS } from "../flow/browser-binding";
import { escapeHtml } from "../flow/html";
import { startOidc } from "../flow/oidc/start-oidc";
import { startSaml } from "../flow/saml/start-saml";
import { newId, newOrgToken } from "../lib/ids";
import type { PendingLogin, SetupTestMark, VerifiedIdentity } from "../store/org/login-types";
import type { SetupTestProfile, SetupTestRecord, SetupTestResult } from "../store/org/setup-portal-ops";
import type { ConnectionRecord, OidcConnection, OrganizationRecord, SamlConnection } from "../store/org/types";
import { orgOp } from "../store/stores";
import { ApiError } from "../http/api-error";
import { linkEndedPage, portalPage } from "./portal-page";
import type { PortalSession } from "./portal-session";
import { testFix } from "./test-fixes";

/** The pending login of a test carries no app: these stand where a client and redirect URI would. */
const TEST_CLIENT = "setup_portal";

/**
 * Starts a test sign-in (SPEC §9): a real login through the draft connection — SAML
 * (SP-initiated) or OIDC (authorization code with PKCE) — bound to this browser like every
 * pending login and marked as a test of this link (the link's token sealed, so the ACS or
 * the OIDC callback can end on the portal page). It never reaches the app.
 */
export async function startTestSignIn(
  env: Env,
  session: PortalSession,
  connection: SamlConnection | OidcConnection,
): Promise<Response> {
  const requestId = `_${crypto.randomUUID().replace(/-/g, "")}`;
  const binding = await newBrowserBinding(requestId);
  const now = Date.now();
  const pending: PendingLogin = {
    relayState: newOrgToken(session.organization.id),
    requestId,
    connectionId: connection.id,
    clientId: TEST_CLIENT,
    redirectUri: `${env.PUBLIC_URL.replace(/\/+$/, "")}/setup`,
    state: null,
    nonce: null,
    codeChallenge: null,
    scope: "openid",
    loginHint: null,
    browserHash: binding.hash,
    upstream: null,
    createdAt: new Date(now).toISOString(),
    expiresAt: now + BINDING_MAX_AGE_SECONDS * 1000,
    setupTest: { linkId: session.link.id, sealedToken: await seal(env, session.token) },
  };
  const started =
    connection.type === "saml"
      ? await startSaml(env, connection, pending, now)
      : await startOidc(env, connection, pending, now);
  if (!started.ok) {
    const fix = testFix(started.reason, connection.type, started.detail);
    return portalPage(env, {
      title: "Test sign-in",
      status: 409,
      organizationName: session.organization.name,
      body:
        `<div class="card"><h1>The test cannot start yet</h1><p class="notice bad" role="alert">${escapeHtml(fix.what)}</p>` +
        `<h2>What to change</h2><p>${escapeHtml(fix.fix)}</p><h3>Exact reason</h3><p class="mono">${escapeHtml(started.reason)}: ${escapeHtml(started.detail)}</p>` +
        `<p><a class="btn secondary" href="${session.base}#idp">Back to setup</a></p></div>`,
    });
  }
  await orgOp(
    env,
    session.organization.id,
    "createPendingLogin",
    { ...pending, upstream: started.upstream },
    `setup_link:${session.link.id}`,
  );
  started.response.headers.append("set-cookie", binding.cookie);
  return started.response;
}

/** The profile the app would get from a verified identity (SPEC §4 `profile`, as the portal shows it). */
export function testProfile(identity: VerifiedIdentity): SetupTestProfile {
  return {
    email: identity.email,
    firstName: identity.firstName,
    lastName: identity.lastName,
    groups: identity.groups,
    roles: identity.roles,
    idpId: identity.subject,
    rawAttributes: identity.rawAttributes,
  };
}

/** Which portal a test belongs to: its link, and the link's token for the result page's URL. */
export interface TestPortal {
  linkId: string;
  token: string;
}

/** The portal of a test the IdP answered: the pending login's mark, its token unsealed. */
export async function portalOfTest(env: Env, mark: SetupTestMark): Promise<TestPortal> {
  return { linkId: mark.linkId, token: await unseal(env, mark.sealedToken) };
}

/**
 * Records a finished test (the result for the portal page, the audit event
 * `connection.test_succeeded|test_failed`) and sends the browser to its result page.
 * Nothing else: no code, no member.
 */
export async function finishTestSignIn(
  env: Env,
  input: {
    connection: ConnectionRecord;
    portal: TestPortal;
    result: SetupTestResult;
    assertion?: { id: string; expiresAt: number } | null;
    headers?: HeadersInit;
  },
): Promise<Response> {
  const { connection, portal } = input;
  let record: SetupTestRecord;
  try {
    record = await orgOp(
      env,
      connection.organizationId,
      "recordSetupTest",
      {
        id: newId("req"),
        linkId: portal.linkId,
        connectionId: connection.id,
        result: input.result,
        assertion: input.assertion ?? null,
      },
      `setup_link:${portal.linkId}`,
    );
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 403) throw error;
    const ended = linkEndedPage(env, 410, "This setup link no longer works", "It ended while the test sign-in ran.");
    for (const [name, value] of new Headers(input.headers)) ended.headers.append(name, value);
    return ended;
  }
  const headers = new Headers(input.headers);
  headers.set("location", `/setup/${portal.token}/tests/${record.id}`);
  headers.set("cache-control", "no-store");
  headers.set("referrer-policy", "no-referrer");
  return new Response(null, { status: 303, headers });
}

/** A succeeded result: the profile, and why the app would still refuse this person. */
export async function succeededResult(
  env: Env,
  connection: ConnectionRecord,
  identity: VerifiedIdentity,
  proposedEntityId: string | null = null,
): Promise<SetupTestResult> {
  const organization = await orgOp(env, connection.organizationId, "getOrganization", undefined);
  return {
    outcome: "succeeded",
    profile: testProfile(identity),
    proposedEntityId,
    warnings: warningsFor(identity.email, organization, connection),
  };
}

/** Why the app would still refuse this person, though the IdP side works. */
function warningsFor(email: string | null, org: OrganizationRecord, connection: ConnectionRecord): string[] {
  if (!email)
    return [
      "Your identity provider sent no email address. Send an attribute or claim named email (see the guide in step 2).",
    ];
  const domain = email.slice(email.lastIndexOf("@") + 1);
  if (connection.settings.allowAnyEmailDomain || org.domains.some((d) => d.verified && d.domain === domain)) return [];
  return [
    `${domain} is not a verified domain of ${org.name}, so the app would refuse ${email}. Ask your contact at the app to add and verify ${domain}.`,
  ];
}
