/**
 * The issuer identifier (OIDC Discovery §3, `iss` of every ID token): PUBLIC_URL without
 * a trailing slash, so `{issuer}/.well-known/openid-configuration` is well formed and an
 * RP's exact `iss` comparison (OIDC Core §3.1.3.7 step 2) matches the discovery document.
 */
export function issuerOf(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, "");
}
