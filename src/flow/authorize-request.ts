import { checkCodeChallenge } from "../oauth/check-pkce";

/**
 * Parsing and validation of an OIDC authorization request (OIDC Core 3.1.2.1, RFC 6749
 * §4.1.1, RFC 7636). Pure: plain data in, a result out.
 */
export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  loginHint: string | null;
  organizationId: string | null;
  connectionId: string | null;
  /** The email came from our hosted page (re-show it on a routing failure). */
  fromHostedPage: boolean;
}

/** The two parameters checked before anything else; without them no redirect is trusted. */
export type ClientParams = { ok: true; clientId: string; redirectUri: string } | { ok: false; detail: string };

const SINGLE = [
  "client_id",
  "redirect_uri",
  "response_type",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
  "login_hint",
  "email",
  "organization_id",
  "connection_id",
];

export function readClientParams(params: URLSearchParams): ClientParams {
  const clientId = params.getAll("client_id");
  const redirectUri = params.getAll("redirect_uri");
  if (clientId.length !== 1 || !clientId[0]) return { ok: false, detail: "client_id is missing or repeated" };
  if (redirectUri.length !== 1 || !redirectUri[0]) return { ok: false, detail: "redirect_uri is missing or repeated" };
  return { ok: true, clientId: clientId[0], redirectUri: redirectUri[0] };
}

export type AuthorizeCheck =
  | { ok: true; request: AuthorizeRequest }
  | { ok: false; error: "invalid_request" | "unsupported_response_type" | "invalid_scope"; description: string };

/** Validates the rest of the request once client and redirect URI are trusted. */
export function checkAuthorizeRequest(
  params: URLSearchParams,
  client: { clientId: string; redirectUri: string; isPublic: boolean },
): AuthorizeCheck {
  const repeated = SINGLE.find((name) => params.getAll(name).length > 1);
  if (repeated) return { ok: false, error: "invalid_request", description: `${repeated} is repeated` };
  const get = (name: string) => params.get(name) || null;
  if (get("response_type") !== "code")
    return { ok: false, error: "unsupported_response_type", description: "only response_type=code is supported" };
  const scope = get("scope") ?? "";
  if (!scope.split(" ").includes("openid"))
    return { ok: false, error: "invalid_scope", description: "scope must include openid" };
  const pkce = checkCodeChallenge({
    codeChallenge: get("code_challenge"),
    codeChallengeMethod: get("code_challenge_method"),
    publicClient: client.isPublic,
  });
  if (!pkce.ok) return { ok: false, error: pkce.reason, description: pkce.detail };
  for (const name of ["state", "nonce", "login_hint", "email"]) {
    if ((get(name)?.length ?? 0) > 1024)
      return { ok: false, error: "invalid_request", description: `${name} is too long` };
  }
  return {
    ok: true,
    request: {
      clientId: client.clientId,
      redirectUri: client.redirectUri,
      scope,
      state: get("state"),
      nonce: get("nonce"),
      codeChallenge: pkce.value,
      loginHint: get("login_hint") ?? get("email"),
      organizationId: get("organization_id"),
      connectionId: get("connection_id"),
      fromHostedPage: get("hosted") === "1",
    },
  };
}
