import { ApiError } from "../http/api-error";
import { readCapped } from "../http/read-body";
import { isCodeVerifier } from "./check-pkce";
import type { TokenRefusal } from "./oauth-error";
import { ok, refuse, type Result } from "./result";

/** Largest token request body read; a real one is well under 1 KiB. */
export const MAX_TOKEN_BODY_BYTES = 16 * 1024;

/** A token request for the authorization_code grant (RFC 6749 §4.1.3), shape-checked. */
export interface TokenRequest {
  code: string;
  redirectUri: string;
  codeVerifier: string | null;
  clientId: string | null;
  clientSecret: string | null;
  /** The Authorization header (client_secret_basic), or null. */
  authorization: string | null;
}

/** The parameters this endpoint reads; any of them repeated is refused (RFC 6749 §3.2). */
const KNOWN = ["grant_type", "code", "redirect_uri", "client_id", "client_secret", "code_verifier"] as const;

/**
 * Reads the form body: only `application/x-www-form-urlencoded` (RFC 6749 §4.1.3), at
 * most MAX_TOKEN_BODY_BYTES, strict UTF-8.
 */
export async function readTokenForm(request: Request): Promise<Result<URLSearchParams, TokenRefusal>> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded")
    return refuse("wrong_content_type", `content-type ${type ?? "(none)"}`);
  try {
    return ok(new URLSearchParams(await readCapped(request, MAX_TOKEN_BODY_BYTES)));
  } catch (error) {
    if (error instanceof ApiError && error.status === 413) return refuse("body_too_large", error.detail);
    if (error instanceof ApiError) return refuse("body_not_utf8", error.detail);
    throw error;
  }
}

/**
 * Checks the parameters of an authorization_code token request (RFC 6749 §4.1.3). Empty
 * values count as absent (§3.1); unknown parameters are ignored (§3.2). Pure.
 */
export function parseTokenRequest(
  form: URLSearchParams,
  authorization: string | null,
): Result<TokenRequest, TokenRefusal> {
  for (const name of KNOWN) {
    if (form.getAll(name).length > 1) return refuse("duplicate_parameter", `${name} appears more than once`);
  }
  const param = (name: (typeof KNOWN)[number]) => form.get(name) || null;
  const grantType = param("grant_type");
  if (grantType === null) return refuse("missing_parameter", "grant_type is missing");
  if (grantType !== "authorization_code")
    return refuse("unsupported_grant_type", `grant_type ${grantType.slice(0, 64)}`);
  const code = param("code");
  const redirectUri = param("redirect_uri");
  if (code === null) return refuse("missing_parameter", "code is missing");
  // Required here: every authorization request names its redirect_uri (OIDC Core §3.1.2.1).
  if (redirectUri === null) return refuse("missing_parameter", "redirect_uri is missing");
  const codeVerifier = param("code_verifier");
  if (codeVerifier !== null && !isCodeVerifier(codeVerifier))
    return refuse("malformed_code_verifier", "code_verifier violates RFC 7636 §4.1");
  return ok({
    code,
    redirectUri,
    codeVerifier,
    clientId: param("client_id"),
    clientSecret: param("client_secret"),
    authorization,
  });
}
