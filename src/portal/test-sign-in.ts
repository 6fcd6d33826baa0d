import { seal, unseal } from "../crypto/seal";
import type { Env } from "../env";
import { newBrowserBinding, BINDING_MAX_AGE_SECONDS } from "../flow/browser-binding";
import { escapeHtml } from "../flow/html";
import { samlIdentity } from "../flow/saml/attribute-mapping";
import { verificationPolicy } from "../flow/saml/complete-saml-login";
import { startSaml } from "../flow/saml/start-saml";
import { newId, newOrgToken } from "../lib/ids";
import { verifySamlResponse } from "../saml";
import type { PendingLogin } from "../store/org/login-types";
import type { SetupTestRecord, SetupTestResult } from "../store/org/setup-portal-ops";
import type { OrganizationRecord, SamlConnection } from "../store/org/types";
import { orgOp } from "../store/stores";
import { portalPage } from "./portal-page";
import type { PortalSession } from "./portal-session";
import { testFix } from "./test-fixes";

/** The pending login of a test carries no app: these stand where a client and redirect URI would. */
const TEST_CLIENT = "setup_portal";

/**
 * Starts a test sign-in (SPEC §9): a real SP-initiated login through the draft connection,
 * bound to this browser like every pending login and marked as a test of this link (the
 * link's token sealed, so the ACS can end on the portal page). It never reaches the app.
 */
export async function startTestSignIn(env: Env, session: PortalSession, connection: SamlConnection): Promise<Response> {
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
  const started = await startSaml(env, connection, pending, now);
  if (!started.ok)
    return portalPage(env, {
      title: "Test sign-in",
      status: 409,
      body: `<div class="card"><h1>The test cannot start yet</h1><p>${escapeHtml(started.detail)}. Give your identity provider's details in step 3.</p></div>`,
    });
  await orgOp(env, session.organization.id, "createPendingLogin", pending, `setup_link:${session.link.id}`);
  started.response.headers.append("set-cookie", binding.cookie);
  return started.response;
}

/**
 * The ACS's end of a test sign-in: verifies the response exactly as a login would (only
 * the entity ID may be missing, then the verified Issuer is offered), records the result
 * and the audit event, mints no code and touches no member, and sends the browser to the
 * portal's result page.
 */
export async function completeTestSignIn(
  env: Env,
  input: { connection: SamlConnection; samlResponse: string; pending: PendingLogin; headers: HeadersInit | undefined },
): Promise<Response> {
  const { connection, pending } = input;
  const mark = pending.setupTest!;
  const saml = connection.settings.saml;
  const policy = await verificationPolicy(env, connection, saml);
  const verified = await verifySamlResponse({
    samlResponse: input.samlResponse,
    connection: { ...policy, idpEntityId: saml.idpEntityId },
    expectedRequestId: pending.requestId,
    now: new Date(),
  });
  let result: SetupTestResult;
  let assertion: { id: string; expiresAt: number } | null = null;
  if (!verified.ok) {
    result = { outcome: "failed", reason: verified.error.code, detail: verified.error.message };
  } else {
    const login = verified.value;
    const identity = samlIdentity({
      nameId: login.nameId,
      nameIdFormat: login.nameIdFormat,
      attributes: login.attributes,
      mapping: saml.attributeMapping,
    });
    const organization = await orgOp(env, connection.organizationId, "getOrganization", undefined);
    assertion = { id: login.assertionId, expiresAt: login.replayCacheUntil.getTime() };
    result = {
      outcome: "succeeded",
      profile: {
        email: identity.email,
        firstName: identity.firstName,
        lastName: identity.lastName,
        groups: identity.groups,
        roles: identity.roles,
        idpId: identity.subject,
        rawAttributes: identity.rawAttributes,
      },
      proposedEntityId: saml.idpEntityId ? null : login.issuer,
      warnings: warningsFor(identity.email, organization, connection),
    };
  }
  const record = await orgOp(
    env,
    connection.organizationId,
    "recordSetupTest",
    { id: newId("req"), linkId: mark.linkId, connectionId: connection.id, result, assertion },
    `setup_link:${mark.linkId}`,
  );
  const token = await unseal(env, mark.sealedToken);
  const headers = new Headers(input.headers);
  headers.set("location", `/setup/${token}/tests/${record.id}`);
  headers.set("cache-control", "no-store");
  headers.set("referrer-policy", "no-referrer");
  return new Response(null, { status: 303, headers });
}

/** Why the app would still refuse this person, though the IdP side works. */
function warningsFor(email: string | null, org: OrganizationRecord, connection: SamlConnection): string[] {
  if (!email)
    return ["Your identity provider sent no email address. Send an attribute named email (see the guide in step 2)."];
  const domain = email.slice(email.lastIndexOf("@") + 1);
  if (connection.settings.allowAnyEmailDomain || org.domains.some((d) => d.verified && d.domain === domain)) return [];
  return [
    `${domain} is not a verified domain of ${org.name}, so the app would refuse ${email}. Ask your contact at the app to add and verify ${domain}.`,
  ];
}

/** The portal page a test ends on: the profile the app would get, or the reason and the fix. */
export function testResultPage(env: Env, session: PortalSession, test: SetupTestRecord): Response {
  const back = `<p><a class="btn secondary" href="${session.base}#test">Back to setup</a></p>`;
  const r = test.result;
  let body: string;
  if (r.outcome === "failed") {
    const fix = testFix(r.reason);
    body =
      `<div class="notice bad" role="alert"><strong>The test sign-in failed.</strong> ${escapeHtml(fix.what)}</div>` +
      `<h2>What to change</h2><p>${escapeHtml(fix.fix)}</p>` +
      `<h3>Exact reason</h3><p class="mono">${escapeHtml(r.reason)}: ${escapeHtml(r.detail)}</p>`;
  } else {
    const p = r.profile;
    const row = (k: string, v: string) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`;
    const raw = Object.entries(p.rawAttributes)
      .map(([name, values]) => row(name, values.join(", ")))
      .join("");
    body =
      `<div class="notice ok" role="status"><strong>The test sign-in worked.</strong> This is the profile the app would receive.</div>` +
      r.warnings.map((w) => `<p class="notice bad">${escapeHtml(w)}</p>`).join("") +
      `<table><tbody>${row("Email", p.email ?? "—")}${row("First name", p.firstName ?? "—")}${row("Last name", p.lastName ?? "—")}${row("Groups", p.groups.join(", ") || "—")}${row("IdP user ID", p.idpId)}</tbody></table>` +
      `<h3>Raw attributes</h3>${raw ? `<table><tbody>${raw}</tbody></table>` : `<p class="hint">No attributes were sent.</p>`}` +
      (r.proposedEntityId ? entityIdForm(session, test.id, r.proposedEntityId) : "");
  }
  return portalPage(env, {
    title: "Test sign-in result",
    organizationName: session.organization.name,
    body: `<div class="card"><h1>Test sign-in</h1>${body}${back}</div>`,
  });
}

function entityIdForm(session: PortalSession, testId: string, issuer: string): string {
  return (
    `<h3>IdP entity ID</h3><p>You did not give your identity provider's entity ID. The signed response names it as <code class="mono">${escapeHtml(issuer)}</code>. Save it?</p>` +
    `<form method="post" action="${session.base}/tests/${testId}/use-entity-id"><input type="hidden" name="csrf" value="${escapeHtml(session.link.csrfToken)}">` +
    `<button class="btn" type="submit">Use this entity ID</button></form>`
  );
}
