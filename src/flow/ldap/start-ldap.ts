import type { Env } from "../../env";
import { randomToken } from "../../lib/ids";
import type { PendingLogin } from "../../store/org/login-types";
import type { LdapConnection } from "../../store/org/types";
import type { StartResult } from "../start-login";

/**
 * An LDAP login leaves for edge-sso's own hosted form (SPEC §9): 302 to
 * `/ldap/{connId}/login?rs={relayState}`, the pending login bound to this browser by its
 * cookie like every other. The form's CSRF token is made here and kept in the pending
 * login (`upstream.csrf`), never in a cookie.
 */
export function startLdap(env: Env, connection: LdapConnection, pending: PendingLogin): Promise<StartResult> {
  const settings = connection.settings.ldap;
  if (!settings.serverUri || !settings.baseDn)
    return Promise.resolve({
      ok: false,
      reason: "connection_incomplete",
      detail: "the connection has no ldap.serverUri or ldap.baseDn",
    });
  return Promise.resolve({
    ok: true,
    upstream: { csrf: randomToken(32) },
    response: new Response(null, {
      status: 302,
      headers: {
        location: ldapLoginUrl(env.PUBLIC_URL, connection.id, pending.relayState),
        "cache-control": "no-store",
      },
    }),
  });
}

/** The hosted form of a pending login: `{PUBLIC_URL}/ldap/{connId}/login?rs=…` (never from the Host header). */
export function ldapLoginUrl(publicUrl: string, connectionId: string, relayState: string): string {
  const url = new URL(`${publicUrl.replace(/\/+$/, "")}/ldap/${connectionId}/login`);
  url.searchParams.set("rs", relayState);
  return url.toString();
}
