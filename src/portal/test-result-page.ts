import type { Env } from "../env";
import { escapeHtml } from "../flow/html";
import type { SetupTestRecord } from "../store/org/setup-portal-ops";
import type { SsoType } from "../store/org/types";
import { portalPage } from "./portal-page";
import type { PortalSession } from "./portal-session";
import { testFix } from "./test-fixes";

const RAW_HEADING: Record<SsoType, string> = {
  saml: "Raw attributes",
  oidc: "Raw claims (ID token and userinfo)",
  ldap: "Directory attributes",
};

/** The portal page a test ends on: the profile the app would get, or the reason and the fix. */
export function testResultPage(env: Env, session: PortalSession, test: SetupTestRecord): Response {
  const protocol = session.connection?.type ?? "saml";
  const back = `<p><a class="btn secondary" href="${session.base}#test">Back to setup</a></p>`;
  const r = test.result;
  let body: string;
  if (r.outcome === "failed") {
    const fix = testFix(r.reason, protocol, r.detail);
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
      `<h3>${RAW_HEADING[protocol]}</h3>${raw ? `<table><tbody>${raw}</tbody></table>` : `<p class="hint">Nothing else was sent.</p>`}` +
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
