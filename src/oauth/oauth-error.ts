import { ApiError } from "../http/api-error";

/**
 * The one place OAuth errors reach the wire (STYLE.md §4): RFC 6749 §5.2 token errors and
 * RFC 6750 §3 bearer errors, both with `Cache-Control: no-store`. Callers hand over an
 * internal reason; the exhaustive switch below decides the public code and a fixed
 * description. The reason and its detail go to the log, never onto the wire.
 */

/** The public error codes of the token endpoint (RFC 6749 §5.2), plus `server_error`. */
export type OAuthErrorCode =
  "invalid_request" | "invalid_client" | "invalid_grant" | "unsupported_grant_type" | "server_error";

/** Every internal reason the token endpoint refuses a request for. */
export type TokenRefusal =
  | "wrong_content_type"
  | "body_too_large"
  | "body_not_utf8"
  | "duplicate_parameter"
  | "missing_parameter"
  | "malformed_code_verifier"
  | "multiple_client_auth"
  | "client_id_mismatch"
  | "unsupported_grant_type"
  | "malformed_basic_auth"
  | "missing_client_id"
  | "unknown_client"
  | "secret_mismatch"
  | "secret_required"
  | "public_client_sent_secret"
  | "malformed_code"
  | "code_not_found"
  | "code_client_mismatch"
  | "redirect_uri_mismatch"
  | "pkce_verifier_missing"
  | "pkce_verifier_unexpected"
  | "pkce_mismatch"
  | "public_client_without_pkce"
  | "origin_not_allowed"
  | "internal_error";

/** A refusal as the checks produce it. */
export interface Refusal<R> {
  reason: R;
  detail: string;
}

interface PublicError {
  code: OAuthErrorCode;
  status: 400 | 401 | 500;
  description: string;
}

const badRequest = (description: string): PublicError => ({ code: "invalid_request", status: 400, description });
const badGrant = (description: string): PublicError => ({ code: "invalid_grant", status: 400, description });
// RFC 6749 §5.2: one description for every client authentication failure, so a caller
// cannot tell an unknown client from a wrong secret.
const badClient: PublicError = { code: "invalid_client", status: 401, description: "Client authentication failed." };

/**
 * Maps an internal reason onto its public error (RFC 6749 §5.2, RFC 7636 §4.6). A missing or
 * repeated parameter is named (RFC 6749 §5.2 lets `error_description` help the developer, and
 * the name leaks nothing): its refusal's detail is `{parameter} is missing|appears more than
 * once`, built only from the fixed parameter names of read-token-request.ts.
 */
export function publicTokenError(reason: TokenRefusal, detail = ""): PublicError {
  switch (reason) {
    case "wrong_content_type":
      return badRequest("Send the request as application/x-www-form-urlencoded (RFC 6749 §4.1.3).");
    case "body_too_large":
      return badRequest("The request body is too large.");
    case "body_not_utf8":
      return badRequest("The request body is not valid UTF-8.");
    case "duplicate_parameter":
      return badRequest(`${namedParameter(detail, "A parameter appears more than once")} (RFC 6749 §3.2).`);
    case "missing_parameter":
      return badRequest(`${namedParameter(detail, "A required parameter is missing")} (RFC 6749 §4.1.3).`);
    case "malformed_code_verifier":
      return badRequest("code_verifier must be 43-128 unreserved characters (RFC 7636 §4.1).");
    case "multiple_client_auth":
      return badRequest("Use exactly one client authentication method (RFC 6749 §2.3).");
    case "client_id_mismatch":
      return badRequest("client_id does not match the HTTP Basic credentials.");
    case "unsupported_grant_type":
      return {
        code: "unsupported_grant_type",
        status: 400,
        description: "Only grant_type=authorization_code is supported.",
      };
    case "missing_client_id":
      // No credentials at all reveal nothing about any client: say what to send.
      return {
        ...badClient,
        description:
          "Client authentication is missing: send HTTP Basic client_id:client_secret, client_id and client_secret, or client_id with code_verifier (PKCE).",
      };
    case "malformed_basic_auth":
    case "unknown_client":
    case "secret_mismatch":
    case "secret_required":
    case "public_client_sent_secret":
      return badClient;
    case "malformed_code":
    case "code_not_found":
    // Another client's code reads as an unknown one: saying whose it is would tell a
    // client that the code is live and which client it belongs to (the reason is logged).
    case "code_client_mismatch":
      return badGrant("The authorization code is invalid, expired or already used.");
    case "redirect_uri_mismatch":
      return badGrant("redirect_uri does not match the authorization request.");
    case "pkce_verifier_missing":
      return badGrant("code_verifier is required for this authorization code.");
    case "pkce_verifier_unexpected":
      return badGrant("code_verifier was sent but the authorization request had no code_challenge.");
    case "pkce_mismatch":
      return badGrant("code_verifier does not match the code_challenge.");
    case "public_client_without_pkce":
      return badGrant("A public client must use PKCE.");
    case "origin_not_allowed":
      return badRequest("This client does not allow requests from this origin: add it to the client's allowedOrigins.");
    case "internal_error":
      return { code: "server_error", status: 500, description: "The server could not complete the request." };
  }
}

/** The detail of a missing/repeated-parameter refusal when it names one; else the fallback. */
function namedParameter(detail: string, fallback: string): string {
  return /^[a-z_]+ (is missing|appears more than once)$/.test(detail) ? detail : fallback;
}

/** Headers every OAuth response carries (RFC 6749 §5.1: tokens and errors are never cached). */
export const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" } as const;

/** A JSON response with the no-store headers. */
export function oauthJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...NO_STORE, ...headers },
  });
}

/**
 * Renders a token endpoint refusal (RFC 6749 §5.2). A 401 names the Basic scheme when
 * the client used the Authorization header, as §5.2 requires.
 */
export function tokenErrorResponse(
  refusal: Refusal<TokenRefusal>,
  options: { authorizationHeaderUsed: boolean },
  extraHeaders: Record<string, string> = {},
): Response {
  const error = publicTokenError(refusal.reason, refusal.detail);
  logRefusal("oauth.token.refused", refusal);
  const headers: Record<string, string> =
    error.status === 401 && options.authorizationHeaderUsed
      ? { ...extraHeaders, "www-authenticate": 'Basic realm="edge-sso", charset="UTF-8"' }
      : extraHeaders;
  return oauthJson({ error: error.code, error_description: error.description }, error.status, headers);
}

/** Why a bearer token was refused (RFC 6750 §3.1), or its request from a browser origin. */
export type BearerRefusal = "missing_token" | "malformed_token" | "unknown_token" | "origin_not_allowed";

/**
 * Renders a protected-resource refusal (RFC 6750 §3). With no credentials at all the
 * challenge carries no error code (§3.1); an invalid token gets `error="invalid_token"`.
 */
export function bearerErrorResponse(refusal: Refusal<BearerRefusal>): Response {
  logRefusal("oauth.userinfo.refused", refusal);
  switch (refusal.reason) {
    case "missing_token":
      return oauthJson({ error: "invalid_request", error_description: "An access token is required." }, 401, {
        "www-authenticate": 'Bearer realm="edge-sso"',
      });
    case "origin_not_allowed":
      // RFC 6750 §3.1 invalid_request; no CORS headers, so a browser on another origin reads nothing.
      return oauthJson(
        { error: "invalid_request", error_description: "This client does not allow requests from this origin." },
        400,
      );
    case "malformed_token":
    case "unknown_token":
      return oauthJson({ error: "invalid_token", error_description: "The access token is invalid or expired." }, 401, {
        "www-authenticate":
          'Bearer realm="edge-sso", error="invalid_token", error_description="The access token is invalid or expired"',
      });
  }
}

function logRefusal(event: string, refusal: Refusal<string>): void {
  console.warn(JSON.stringify({ event, reason: refusal.reason, detail: refusal.detail }));
}

/**
 * Renders a failure the router caught on an OAuth route (RFC 6749 §5.2 shape, no-store):
 * an ApiError from the request's own checks is `invalid_request` with its status; anything
 * else is `server_error`, its message and stack only in the log.
 */
export function oauthFailureResponse(error: unknown): Response {
  if (error instanceof ApiError && error.status < 500) {
    return oauthJson({ error: "invalid_request", error_description: error.detail }, error.status);
  }
  console.error("oauth endpoint failed", error instanceof Error ? error.stack : error);
  const refusal = publicTokenError("internal_error");
  return oauthJson({ error: refusal.code, error_description: refusal.description }, refusal.status);
}
