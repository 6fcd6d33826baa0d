import { escapeHtml } from "../flow/html";
import type { SignInAttempt } from "../store/org/setup-portal-ops";
import type { SsoType } from "../store/org/types";
import { csrfField, field, idpSideGiven, type PortalStep, type PortalView } from "./steps";
import { testFix } from "./test-fixes";

/** Step 4: a real sign-in through the draft connection, in a new tab, and the last attempts (SPEC §9). */
export const testStep: PortalStep = {
  id: "test",
  title: "Test sign-in",
  applies: (v) => v.guide !== null,
  done: (v) => v.attempts.some((a) => a.kind === "test" && a.ok),
  render(v) {
    const connection = v.session.connection!;
    const ready = idpSideGiven(connection);
    const button = connection.type === "ldap" ? ldapTestForm(v, ready) : redirectTestForm(v, ready);
    return (
      `<h2>Test sign-in</h2><p class="lead">Sign in through your ${connection.type === "ldap" ? "directory" : "identity provider"} to see exactly what the app would receive.</p>` +
      (ready ? "" : `<p class="notice info">Give your identity provider's details in step 3 first.</p>`) +
      button +
      `<h3>Last sign-in attempts</h3>${attemptsTable(v.attempts, connection.type)}`
    );
  },
};

/** SAML and OIDC: the form opens a new tab that goes to the IdP and ends on the result page. */
function redirectTestForm(v: PortalView, ready: boolean): string {
  return (
    `<form method="post" action="${v.session.base}/test" target="_blank">${csrfField(v)}` +
    `<button class="btn" type="submit"${ready ? "" : " disabled"}>Run test sign-in</button>` +
    `<span class="hint"> Opens a new tab: sign in there as yourself. Nothing is created in the app.</span></form>`
  );
}

/** LDAP: a directory user's username and password, checked by the sign-in's own bind and search. */
function ldapTestForm(v: PortalView, ready: boolean): string {
  return (
    `<form method="post" action="${v.session.base}/ldap-test">${csrfField(v)}` +
    field(v, {
      name: "username",
      label: "Username",
      hint: "What your users will type at sign-in: it replaces %(user)s in the search filter.",
    }) +
    field(v, {
      name: "password",
      label: "Password",
      type: "password",
      hint: "Used for one bind against your directory, never stored.",
    }) +
    `<button class="btn" type="submit"${ready ? "" : " disabled"}>Run test sign-in</button>` +
    `<span class="hint"> Nothing is created in the app.</span></form>`
  );
}

/** The connection's last attempts: time, user and outcome in plain words. */
export function attemptsTable(attempts: SignInAttempt[], protocol: SsoType): string {
  if (attempts.length === 0) return `<p class="hint">No attempts yet.</p>`;
  const rows = attempts.map((a) => {
    const outcome = a.ok
      ? `<span class="pill ok">Signed in</span>`
      : `<span class="pill bad">Failed</span> ${escapeHtml(a.reason ? testFix(a.reason, protocol, a.detail ?? "").what : "")}`;
    return `<tr><td>${escapeHtml(new Date(a.at).toUTCString().replace(" GMT", " UTC"))}</td><td>${escapeHtml(a.kind === "test" ? "Test" : "Sign-in")}</td><td>${escapeHtml(a.email ?? "—")}</td><td>${outcome}</td></tr>`;
  });
  return `<table><thead><tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col">User</th><th scope="col">Outcome</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** Step 5: go live (SPEC §9): fires `sso_configuration.enabled`, and the link ends. */
export const activateStep: PortalStep = {
  id: "activate",
  title: "Activate",
  applies: (v) => v.guide !== null,
  done: () => false,
  render(v) {
    const errors = v.activationErrors.length
      ? `<div class="notice bad" role="alert"><p><strong>Not yet:</strong></p><ul>${v.activationErrors.map((e) => `<li>${escapeHtml(e)}</li>`).join("")}</ul></div>`
      : "";
    return (
      `<h2>Activate</h2><p class="lead">When the test sign-in shows the right profile, turn single sign-on on. Your users then sign in through ${escapeHtml(v.guide!.name)}, and this link stops working.</p>` +
      errors +
      `<form method="post" action="${v.session.base}/activate">${csrfField(v)}<button class="btn" type="submit">Activate single sign-on</button></form>`
    );
  },
};
