import type { Env } from "../env";
import type { ConnectionRecord } from "../store/org/types";
import { isLoopbackHost } from "../admin/schemas";
import { settingsOf } from "./settings";

/**
 * What a connection lacks before it can go live (SPEC §2 "What contacts the IdP"): SAML
 * needs the IdP entity ID, SSO URL and a certificate; OIDC needs its client and an IdP
 * whose discovery answers (unless every endpoint is given); LDAP needs where to search.
 */
export async function missingForActivation(env: Env, connection: ConnectionRecord): Promise<string[]> {
  const settings = settingsOf(connection);
  switch (connection.type) {
    case "saml": {
      const s = settings.saml!;
      return [
        ...(s.idpEntityId ? [] : ["saml.idpEntityId"]),
        ...(s.idpSsoUrl ? [] : ["saml.idpSsoUrl"]),
        ...(s.idpCertificates.length > 0 ? [] : ["saml.idpCertificates"]),
      ];
    }
    case "oidc": {
      const s = settings.oidc!;
      const missing = [
        ...(s.issuer ? [] : ["oidc.issuer"]),
        ...(s.clientId ? [] : ["oidc.clientId"]),
        ...("clientSecret" in connection.secrets ? [] : ["oidc.clientSecret"]),
      ];
      if (missing.length > 0 || (s.authorizationEndpoint && s.tokenEndpoint && s.jwksUri)) return missing;
      const discovery = await checkDiscovery(env, s.issuer!);
      return discovery ? [`oidc.issuer (${discovery})`] : [];
    }
    case "ldap": {
      const s = settings.ldap!;
      return [...(s.serverUri ? [] : ["ldap.serverUri"]), ...(s.baseDn ? [] : ["ldap.baseDn"])];
    }
  }
}

/** Fetches the issuer's discovery document; returns why it failed, or null. */
async function checkDiscovery(env: Env, issuer: string): Promise<string | null> {
  const url = new URL(`${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`);
  if (url.protocol === "http:" && !(isLoopbackHost(url.hostname) && env.ALLOW_INSECURE_LOOPBACK_IDP === "true")) {
    return "http:// issuers are allowed only on loopback with ALLOW_INSECURE_LOOPBACK_IDP=true";
  }
  try {
    const response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5000) });
    if (!response.ok) return `discovery answered HTTP ${response.status}`;
    const doc = (await response.json()) as { issuer?: unknown };
    if (doc.issuer !== issuer) return `discovery names issuer ${JSON.stringify(doc.issuer)}`;
    return null;
  } catch (error) {
    return `discovery failed: ${error instanceof Error ? error.message : "unreachable"}`;
  }
}
