import * as oauth from "oauth4webapi";
import type { Env } from "../env";
import { orgOp } from "../store/stores";
import { classifyOidcError } from "./classify-error";
import { oidcFailure, type OidcFailure } from "./oidc-failure";
import { requestOptions } from "./request-policy";
import { oidcCallbackUrl, type ResolvedIdp } from "./resolve-idp";

/** How far an ID token's `iat` may lie in the future (clock skew), and how old it may be. */
export const IAT_FUTURE_SKEW_S = 60;
export const IAT_MAX_AGE_S = 10 * 60;

/** What the token endpoint gave back, after every check. */
export interface ExchangedTokens {
  claims: oauth.IDToken;
  accessToken: string;
}

/**
 * The callback's protocol steps, each by oauth4webapi: the authorization response
 * (`state`, RFC 9207 `iss`), the code exchange with PKCE and the configured client
 * authentication, the ID token's claims (`iss`, `aud`, `azp`, `exp`, `nonce`, algorithm
 * allowlist), then its signature against the IdP's JWKS, cached in the org's object.
 */
export async function exchangeCode(
  env: Env,
  idp: ResolvedIdp,
  input: {
    organizationId: string;
    connectionId: string;
    params: URLSearchParams;
    state: string;
    codeVerifier: string;
    nonce: string;
    clientSecret: string;
    now: number;
  },
): Promise<{ ok: true; tokens: ExchangedTokens } | OidcFailure> {
  const { as, client } = idp;
  const options = requestOptions(idp.urls);
  let callbackParams: URLSearchParams;
  try {
    callbackParams = oauth.validateAuthResponse(as, client, input.params, input.state);
  } catch (error) {
    return oidcFailure("invalid_authorization_response", error instanceof Error ? error.message : String(error));
  }
  const auth =
    idp.settings.tokenEndpointAuthMethod === "client_secret_post"
      ? oauth.ClientSecretPost(input.clientSecret)
      : oauth.ClientSecretBasic(input.clientSecret);
  let response: Response;
  let result: oauth.TokenEndpointResponse;
  try {
    response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth,
      callbackParams,
      oidcCallbackUrl(env.PUBLIC_URL),
      input.codeVerifier,
      options,
    );
    result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: input.nonce,
      requireIdToken: true,
    });
  } catch (error) {
    return classifyOidcError("token", error);
  }
  const signature = await verifySignature(env, idp, response, input);
  if (signature) return signature;
  const claims = oauth.getValidatedIdTokenClaims(result);
  if (!claims) return oidcFailure("id_token_missing", "the token endpoint returned no ID token");
  const iat = checkIssuedAt(claims.iat, Math.floor(input.now / 1000));
  if (iat) return iat;
  return { ok: true, tokens: { claims, accessToken: result.access_token } };
}

/**
 * Verifies the ID token's signature with a key from the IdP's JWKS. oauth4webapi reads and
 * refreshes the cache object (`uat` is when it was fetched; it refetches after 5 minutes
 * or when no key matches a new `kid`); a refreshed JWKS is written back to the org's object.
 */
async function verifySignature(
  env: Env,
  idp: ResolvedIdp,
  response: Response,
  input: { organizationId: string; connectionId: string },
): Promise<OidcFailure | null> {
  const cache = idp.jwks as { jwks?: oauth.JWKS; uat?: number };
  const before = cache.uat;
  try {
    await oauth.validateApplicationLevelSignature(idp.as, response, {
      ...requestOptions(idp.urls),
      [oauth.jwksCache]: idp.jwks,
    });
  } catch (error) {
    return classifyOidcError("signature", error);
  } finally {
    if (cache.jwks && cache.uat !== undefined && cache.uat !== before) {
      await orgOp(env, input.organizationId, "putOidcJwks", {
        connectionId: input.connectionId,
        issuer: idp.settings.issuer,
        jwks: cache.jwks,
        fetchedAt: cache.uat,
      }).catch((error: unknown) =>
        console.error("could not cache the IdP's JWKS", error instanceof Error ? error.message : error),
      );
    }
  }
  return null;
}

/**
 * OIDC Core §3.1.3.7 step 10: `iat` may be used to reject tokens issued too far from the
 * current time. oauth4webapi only requires it to be a number, so edge-sso refuses a token
 * issued in the future (beyond skew) or long before the login.
 */
export function checkIssuedAt(iat: number, nowSeconds: number): OidcFailure | null {
  if (iat > nowSeconds + IAT_FUTURE_SKEW_S)
    return oidcFailure("id_token_not_yet_valid", `iat ${iat} is in the future (now ${nowSeconds})`);
  if (iat < nowSeconds - IAT_MAX_AGE_S - IAT_FUTURE_SKEW_S)
    return oidcFailure("id_token_invalid", `iat ${iat} is too old (now ${nowSeconds})`);
  return null;
}
