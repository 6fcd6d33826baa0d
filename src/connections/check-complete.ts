import type { Env } from "../env";
import type { FieldError } from "../http/api-error";
import type { ConnectionRecord } from "../store/org/types";
import type { OutboundAudience } from "../http/outbound-failure";
import { discoverIssuer, overriddenEndpoints } from "../oidc/discover-issuer";

/** How much an activation refusal may say about an outbound call (SPEC §2). */
export type ActivationAudience = OutboundAudience;

/** The message of a field that is simply missing. */
export const REQUIRED = "is required to activate";

/**
 * What stops a connection from going live (SPEC §2 "What contacts the IdP"), each under the
 * JSON path of the field to fix: SAML needs the IdP entity ID, SSO URL and a certificate;
 * OIDC needs its client and an IdP whose discovery answers (unless every endpoint is given);
 * LDAP needs where to search and a passing connection test (src/ldap/activation-check.ts).
 * Empty when complete.
 */
export async function activationErrors(
  env: Env,
  connection: ConnectionRecord,
  audience: ActivationAudience,
): Promise<FieldError[]> {
  const missing = (path: string): FieldError => ({ path, message: REQUIRED });
  switch (connection.type) {
    case "saml": {
      const s = connection.settings.saml;
      return [
        ...(s.idpEntityId ? [] : [missing("saml.idpEntityId")]),
        ...(s.idpSsoUrl ? [] : [missing("saml.idpSsoUrl")]),
        ...(s.idpCertificates.length > 0 ? [] : [missing("saml.idpCertificates")]),
      ];
    }
    case "oidc": {
      const s = connection.settings.oidc;
      const errors = [
        ...(s.issuer ? [] : [missing("oidc.issuer")]),
        ...(s.clientId ? [] : [missing("oidc.clientId")]),
        ...("clientSecret" in connection.secrets ? [] : [missing("oidc.clientSecret")]),
      ];
      if (!s.issuer || errors.length > 0 || (s.authorizationEndpoint && s.tokenEndpoint && s.jwksUri)) return errors;
      const discovery = await discoverIssuer(env, s.issuer, overriddenEndpoints(s));
      if (discovery.ok) return [];
      const message = (audience.outboundDetail && discovery.outboundDetail) || discovery.detail;
      return [{ path: "oidc.issuer", message }];
    }
    case "ldap": {
      // Loaded on first use: an isolate that activates no LDAP connection never evaluates ldapts.
      const { ldapActivationGaps, workerConnector } = await import("../ldap");
      return ldapActivationGaps(env, connection, {
        appWide: audience.outboundDetail,
        deps: { connector: workerConnector },
      });
    }
  }
}

/** The problem detail of a refused activation: every error, in one sentence. */
export function activationDetail(errors: FieldError[]): string {
  const missing = errors.filter((e) => e.message === REQUIRED).map((e) => e.path);
  const other = errors.filter((e) => e.message !== REQUIRED).map((e) => `${e.path}: ${e.message}`);
  return `The connection cannot be activated: ${[...(missing.length ? [`missing ${missing.join(", ")}`] : []), ...other].join("; ")}.`;
}
