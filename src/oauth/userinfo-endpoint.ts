import { sha256Hex } from "../crypto/hash";
import { route, type RouteContext } from "../http/route";
import { orgIdOfToken } from "../lib/ids";
import { allowOrigin, isClientOrigin, preflightRoute, requestOrigin } from "../http/cors";
import { readClient } from "../store/cache/app-records";
import { orgOp } from "../store/stores";
import { userClaims } from "./claims";
import { bearerErrorResponse, oauthJson, type BearerRefusal } from "./oauth-error";
import { ok, refuse, type Result } from "./result";

/** RFC 6750 §2.1: `Bearer` b64token in the Authorization header. */
const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)[ ]*$/i;

/** The bearer token of a request (RFC 6750 §2.1), or why there is none. Pure. */
export function readBearerToken(authorization: string | null): Result<string, BearerRefusal> {
  if (!authorization) return refuse("missing_token", "no Authorization header");
  const match = BEARER.exec(authorization);
  if (!match) return refuse("malformed_token", "the Authorization header is not a Bearer token");
  return ok(match[1]!);
}

/**
 * GET or POST /oauth/userinfo (OIDC Core §5.3): the claims of the user an access token
 * was issued for (SPEC §4). A refusal is an RFC 6750 §3 challenge; an unexpected failure is
 * rendered by the router for the `oauth` audience — never problem+json.
 */
async function userinfoEndpoint({ request, env }: RouteContext): Promise<Response> {
  const token = readBearerToken(request.headers.get("authorization"));
  if (!token.ok) return bearerErrorResponse(token);
  const organizationId = orgIdOfToken(token.value);
  if (!organizationId)
    return bearerErrorResponse(refuse("malformed_token", "the token does not embed an organization"));
  const grant = await orgOp(env, organizationId, "findAccessToken", { tokenHash: await sha256Hex(token.value) });
  if (!grant) return bearerErrorResponse(refuse("unknown_token", "the access token is unknown or expired"));
  const origin = requestOrigin(request);
  if (origin === null) return oauthJson(userClaims(grant.profile));
  // From a browser: only one of the token's client's origins (SPEC §2). Server-side calls send
  // no Origin and never pay for this read of the client (this isolate's copy, SPEC §1).
  const client = await readClient(env, grant.clientId);
  if (!client || !isClientOrigin(client, origin)) {
    return bearerErrorResponse(
      refuse("origin_not_allowed", `Origin ${origin} is not an allowed origin of ${grant.clientId}`),
    );
  }
  return oauthJson(userClaims(grant.profile), 200, allowOrigin(origin));
}

const definition = {
  path: "/oauth/userinfo" as const,
  tag: "OpenID Connect",
  access: "public" as const,
  audience: "oauth" as const,
  summary: "The signed-in user's claims, for a Bearer access token (OIDC Core §5.3)",
  success: {
    status: 200,
    description: "sub, email, email_verified, given_name, family_name, name, groups, roles, org_id",
    schema: "Userinfo" as const,
  },
  responses: [
    {
      status: 401,
      description: "No valid access token (RFC 6750 §3, with WWW-Authenticate)",
      schema: "OAuthError" as const,
    },
  ],
  handler: userinfoEndpoint,
};

/** GET and POST (OIDC Core §5.3.1: the RP may use either); CORS for the token's client's origins. */
export const userinfoRoutes = [
  route({ method: "GET", ...definition }),
  route({ method: "POST", ...definition }),
  preflightRoute({ path: "/oauth/userinfo", methods: ["GET", "POST"], policy: "client-origins", tag: definition.tag }),
];
