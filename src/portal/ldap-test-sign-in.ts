import type { Env } from "../env";
import { authenticateLdapUser } from "../flow/ldap/complete-ldap-login";
import { throttleKeys } from "../flow/ldap/login-routes";
import type { LdapConnection } from "../store/org/types";
import { orgOp } from "../store/stores";
import { formText, type PortalSession } from "./portal-session";
import { renderSetup } from "./render-setup";
import { finishTestSignIn, succeededResult } from "./test-sign-in";

/**
 * POST …/ldap-test (SPEC §9): the test sign-in of an LDAP connection is a username and
 * password typed into the portal, run through the sign-in's own directory work
 * (flow/ldap/complete-ldap-login.ts `authenticateLdapUser`: service bind, search, user
 * bind) against the draft connection; it ends on the result page with the profile and the
 * entry's attributes, or the failing step in plain words. The hosted form's throttle applies
 * (same keys), no code is minted, no member created, and the password is used for the bind
 * only: it is in no result, event or log line.
 */
export async function runLdapTestSignIn(
  env: Env,
  request: Request,
  session: PortalSession,
  connection: LdapConnection,
  form: FormData,
): Promise<Response> {
  const username = formText(form, "username");
  const password = form.get("password");
  if (!username)
    return renderSetup(env, session, {
      errors: { username: "Enter the username of a directory user to sign in as." },
      posted: "test",
      status: 400,
    });
  const keys = await throttleKeys(username, request);
  const actor = `setup_link:${session.link.id}`;
  const orgId = session.organization.id;
  const begin = await orgOp(
    env,
    orgId,
    "beginSetupLdapTest",
    { linkId: session.link.id, connectionId: connection.id, ...keys },
    actor,
  );
  if (!begin.allowed) {
    const seconds = Math.ceil(begin.retryAfterMs / 1000);
    const page = await renderSetup(env, session, {
      errors: {
        username: `Too many failed attempts for this username or from your network: try again in ${Math.ceil(seconds / 60)} minutes.`,
      },
      values: { username },
      posted: "test",
      status: 429,
    });
    page.headers.set("retry-after", String(seconds));
    return page;
  }
  const verdict = await authenticateLdapUser(env, connection, username, typeof password === "string" ? password : "");
  if (verdict.ok) await orgOp(env, orgId, "endSetupLdapTest", keys, actor);
  const result = verdict.ok
    ? await succeededResult(env, connection, verdict.identity)
    : ({
        outcome: "failed",
        reason: verdict.reason,
        detail: `${verdict.detail} (username ${JSON.stringify(username)})`,
      } as const);
  return finishTestSignIn(env, {
    connection,
    portal: { linkId: session.link.id, token: session.token },
    result,
  });
}
