import type { Env } from "../env";
import type { ConnectionRecord } from "../store/org/types";
import { discoverIssuer } from "../oidc/discover-issuer";

/**
 * What a connection lacks before it can go live (SPEC §2 "What contacts the IdP"): SAML
 * needs the IdP entity ID, SSO URL and a certificate; OIDC needs its client and an IdP
 * whose discovery answers (unless every endpoint is given); LDAP needs where to search and
 * a passing connection test (src/ldap/activation-check.ts). `appWide`: whether the caller
 * may see the network detail of a failed outbound call (SPEC §2 Access).
 */
export async function missingForActivation(env: Env, connection: ConnectionRecord, appWide = true): Promise<string[]> {
  switch (connection.type) {
    case "saml": {
      const s = connection.settings.saml;
      return [
        ...(s.idpEntityId ? [] : ["saml.idpEntityId"]),
        ...(s.idpSsoUrl ? [] : ["saml.idpSsoUrl"]),
        ...(s.idpCertificates.length > 0 ? [] : ["saml.idpCertificates"]),
      ];
    }
    case "oidc": {
      const s = connection.settings.oidc;
      const missing = [
        ...(s.issuer ? [] : ["oidc.issuer"]),
        ...(s.clientId ? [] : ["oidc.clientId"]),
        ...("clientSecret" in connection.secrets ? [] : ["oidc.clientSecret"]),
      ];
      if (!s.issuer || missing.length > 0 || (s.authorizationEndpoint && s.tokenEndpoint && s.jwksUri)) return missing;
      const discovery = await checkDiscovery(env, s.issuer);
      return discovery ? [`oidc.issuer (${discovery})`] : [];
    }
    case "ldap": {
      // Loaded on first use: an isolate that activates no LDAP connection never evaluates ldapts.
      const { ldapActivationGaps, workerConnector } = await import("../ldap");
      return ldapActivationGaps(env, connection, { appWide, deps: { connector: workerConnector } });
    }
  }
}

/** Runs discovery (oauth4webapi, src/oidc/discover-issuer.ts); returns why it failed, or null. */
async function checkDiscovery(env: Env, issuer: string): Promise<string | null> {
  const discovery = await discoverIssuer(env, issuer);
  return discovery.ok ? null : discovery.detail;
}
