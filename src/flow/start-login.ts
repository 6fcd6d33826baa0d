import type { Env } from "../env";
import type { OidcFailureReason } from "../oidc";
import type { StartFailure } from "./failure-reasons";
import type { PendingLogin } from "../store/org/login-types";
import type { ConnectionRecord } from "../store/org/types";
import { startLdap } from "./ldap/start-ldap";
import { startSaml } from "./saml/start-saml";

/** How a login leaves for the IdP, and what the pending login must remember for the way back. */
export type StartResult =
  | { ok: true; response: Response; upstream: Record<string, string> | null }
  | { ok: false; reason: StartFailure | OidcFailureReason; detail: string; outboundDetail?: string };

/**
 * Sends the browser to the connection's IdP, by protocol. OIDC's client (oauth4webapi) is
 * loaded by an isolate's first OIDC login, not at start.
 */
export async function startLogin(
  env: Env,
  connection: ConnectionRecord,
  pending: PendingLogin,
  now: number,
): Promise<StartResult> {
  switch (connection.type) {
    case "saml":
      return startSaml(env, connection, pending, now);
    case "oidc":
      return (await import("./oidc/start-oidc")).startOidc(env, connection, pending, now);
    case "ldap":
      return startLdap(env, connection, pending);
  }
}
