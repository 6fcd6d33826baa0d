import type { ClientRecord } from "../store/app/client-ops";
import type { AuthCode } from "../store/org/login-types";
import { checkPkceWith } from "./check-pkce";
import { checkRedirectUri, isRegisteredRedirectUri } from "./check-redirect-uri";
import type { TokenRefusal } from "./oauth-error";
import { ok, refuse, type Result } from "./result";

/** What the token request brings to {@link checkCodeGrant}, besides the code. */
export interface CodeGrantRequest {
  /** The authenticated client: its ID, registered redirect URIs and whether it is public. */
  client: Pick<ClientRecord, "clientId" | "redirectUris" | "public">;
  redirectUri: string;
  codeVerifier: string | null;
  /** S256 of `codeVerifier` (check-pkce.ts `verifierChallenge`), computed before: the check is synchronous. */
  verifierChallenge: string | null;
}

/** Input of {@link checkCodeGrant}. */
export interface CodeGrantInput extends CodeGrantRequest {
  /** The consumed code, or null when it was unknown, already used or expired. */
  code: AuthCode | null;
}

/**
 * Checks an authorization code against the token request (RFC 6749 §4.1.3): it was
 * issued to this client, for this exact redirect URI (still registered), and PKCE holds (RFC 7636 §4.6).
 * Runs after the code was consumed: a refused code stays spent (RFC 6749 §4.1.2). Pure and
 * synchronous, so the org's object runs it in the transaction that spends the code.
 */
export function checkCodeGrant(input: CodeGrantInput): Result<AuthCode, TokenRefusal> {
  const { code, client } = input;
  if (!code) return refuse("code_not_found", "the code is unknown, already used or expired");
  if (code.clientId !== client.clientId) {
    return refuse("code_client_mismatch", `code issued to ${code.clientId}, presented by ${client.clientId}`);
  }
  const redirect = checkRedirectUri({ issuedFor: code.redirectUri, presented: input.redirectUri });
  if (!redirect.ok) return redirect;
  // A redirect URI removed from the client since the code was issued redeems nothing (the
  // client is this isolate's copy: SPEC §1's 30 s bound).
  if (!isRegisteredRedirectUri(client.redirectUris, code.redirectUri))
    return refuse(
      "redirect_uri_mismatch",
      `redirect_uri ${code.redirectUri} is no longer registered for ${client.clientId}`,
    );
  const pkce = checkPkceWith(
    { codeChallenge: code.codeChallenge, codeVerifier: input.codeVerifier, publicClient: client.public },
    input.verifierChallenge,
  );
  if (!pkce.ok) return pkce;
  return ok(code);
}
