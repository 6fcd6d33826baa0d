import * as oauth from "oauth4webapi";
import { classifyOidcError } from "./classify-error";
import type { OidcFailure } from "./oidc-failure";
import { requestOptions } from "./request-policy";
import type { ResolvedIdp } from "./resolve-idp";

/** User claims: the ID token's, completed from userinfo when needed. */
export type UserClaims = Record<string, unknown> & { sub: string };

/**
 * Completes the ID token's claims from the userinfo endpoint (OIDC Core §5.3) when the
 * email — or, when it is required, `email_verified` — is missing: many providers
 * (oidc-provider by default) put them only in userinfo. oauth4webapi checks that userinfo's
 * `sub` equals the ID token's (§5.3.2). The signed ID token's values win over userinfo's.
 */
export async function completeClaims(
  idp: ResolvedIdp,
  idToken: oauth.IDToken,
  accessToken: string,
): Promise<{ ok: true; claims: UserClaims } | OidcFailure> {
  const claims: UserClaims = { ...idToken };
  const needed =
    typeof claims.email !== "string" || (idp.settings.emailVerifiedRequired && claims.email_verified === undefined);
  if (!needed || !idp.as.userinfo_endpoint) return { ok: true, claims };
  try {
    const response = await oauth.userInfoRequest(idp.as, idp.client, accessToken, requestOptions(idp.urls));
    const userinfo = await oauth.processUserInfoResponse(idp.as, idp.client, idToken.sub, response);
    return { ok: true, claims: { ...userinfo, ...claims } };
  } catch (error) {
    return classifyOidcError("userinfo", error);
  }
}
