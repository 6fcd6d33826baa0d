import * as z from "zod/mini";
import type { Env } from "../env";
import { sha256Hex } from "../crypto/hash";
import { allowOrigin, isClientOrigin, preflightRoute, requestOrigin } from "../http/cors";
import { route, type RouteContext } from "../http/route";
import { newOrgToken, orgIdOfToken } from "../lib/ids";
import type { ClientRecord } from "../store/app/client-ops";
import type { AuthCode } from "../store/org/login-types";
import { readClient } from "../store/cache/app-records";
import { orgOp } from "../store/stores";
import { checkClientAuth } from "./check-client-auth";
import { verifierChallenge } from "./check-pkce";
import { profileView } from "./claims";
import { signIdToken } from "./id-token";
import { issuerOf } from "./issuer";
import { ACCESS_TOKEN_TTL_S } from "./lifetimes";
import { oauthJson, tokenErrorResponse, type TokenRefusal } from "./oauth-error";
import { readClientCredentials } from "./read-client-credentials";
import { parseTokenRequest, readTokenForm, type TokenRequest } from "./read-token-request";
import { refuse, type Result } from "./result";
import type { TokenResponse } from "./response-schemas";
import { activeSigningKey } from "./signing-keys";

/**
 * POST /oauth/token (RFC 6749 §4.1.3, OIDC Core §3.1.3), as a pipeline: read the form,
 * authenticate the client, redeem the code (one round trip to the org's object: consume,
 * check its bindings, store the access token), sign the ID token. Every refusal is rendered
 * by oauth-error.ts; an unexpected failure too, by the router for this route's `oauth`
 * audience — never as problem+json.
 */
async function tokenEndpoint({ request, env }: RouteContext): Promise<Response> {
  const authorization = request.headers.get("authorization") || null;
  const origin = requestOrigin(request);
  const now = Date.now();
  const { client, result } = await exchangeCode(env, request, authorization, origin, now);
  // A browser app reads the answer, error or tokens, only from one of its client's origins.
  const cors = client && origin !== null && isClientOrigin(client, origin) ? allowOrigin(origin) : {};
  if (!result.ok) return tokenErrorResponse(result, { authorizationHeaderUsed: authorization !== null }, cors);
  return oauthJson(await issueTokens(env, result.value, now), 200, cors);
}

/** A redeemed code: the client, the code, and the access token stored for it. */
type Grant = { client: ClientRecord; code: AuthCode; accessToken: string };

async function exchangeCode(
  env: Env,
  request: Request,
  authorization: string | null,
  origin: string | null,
  now: number,
): Promise<{ client: ClientRecord | null; result: Result<Grant, TokenRefusal> }> {
  const form = await readTokenForm(request);
  if (!form.ok) return { client: null, result: form };
  const params = parseTokenRequest(form.value, authorization);
  if (!params.ok) return { client: null, result: params };
  const client = await authenticateClient(env, params.value);
  if (!client.ok) return { client: null, result: client };
  // A browser request must come from one of the client's own origins (SPEC §2), checked
  // before the code is spent.
  if (origin !== null && !isClientOrigin(client.value, origin)) {
    const refusal = refuse<TokenRefusal>(
      "origin_not_allowed",
      `Origin ${origin} is not an allowed origin of ${client.value.clientId}`,
    );
    return { client: client.value, result: refusal };
  }
  return { client: client.value, result: await redeemCode(env, client.value, params.value, now) };
}

/**
 * Redeems the code in the org's object, in one operation: consumed (one-time and atomic,
 * spent even when a check fails: RFC 6749 §4.1.2), checked against this request, and the
 * access token stored only when it holds.
 */
async function redeemCode(
  env: Env,
  client: ClientRecord,
  params: TokenRequest,
  now: number,
): Promise<Result<Grant, TokenRefusal>> {
  const organizationId = orgIdOfToken(params.code);
  if (!organizationId) return refuse("malformed_code", "the code does not embed an organization");
  const accessToken = newOrgToken(organizationId);
  const [codeHash, tokenHash, verifierS256] = await Promise.all([
    sha256Hex(params.code),
    sha256Hex(accessToken),
    verifierChallenge(params.codeVerifier),
  ]);
  const grant = await orgOp(env, organizationId, "redeemCode", {
    codeHash,
    request: {
      client: { clientId: client.clientId, redirectUris: client.redirectUris, public: client.public },
      redirectUri: params.redirectUri,
      codeVerifier: params.codeVerifier,
      verifierChallenge: verifierS256,
    },
    accessToken: { tokenHash, expiresAt: now + ACCESS_TOKEN_TTL_S * 1000 },
  });
  return grant.ok ? { ok: true, value: { client, code: grant.value, accessToken } } : grant;
}

/** Reads the credentials, looks the client up and checks its secret (RFC 6749 §3.2.1). */
async function authenticateClient(env: Env, params: TokenRequest): Promise<Result<ClientRecord, TokenRefusal>> {
  const credentials = readClientCredentials(params);
  if (!credentials.ok) return credentials;
  const { clientId, secret } = credentials.value;
  const client = await readClient(env, clientId);
  const presentedSecretHash = secret === null ? null : await sha256Hex(secret);
  return checkClientAuth({ credentials: credentials.value, client, presentedSecretHash });
}

/**
 * The successful response (RFC 6749 §5.1, OIDC Core §3.1.3.3): the opaque access token for
 * /oauth/userinfo (stored hashed in the org's object by the redemption), the ID token and
 * the profile.
 */
async function issueTokens(env: Env, { client, code, accessToken }: Grant, now: number): Promise<TokenResponse> {
  const { profile } = code;
  const idToken = await signIdToken({
    issuer: issuerOf(env.PUBLIC_URL),
    clientId: client.clientId,
    profile,
    nonce: code.nonce,
    sid: code.sid,
    key: await activeSigningKey(env, now),
    now,
  });
  return {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_TTL_S,
    scope: code.scope,
    id_token: idToken,
    profile: profileView(profile),
  };
}

/** The token endpoint's routes: public (the client authenticates itself), form-encoded; CORS for its client's origins. */
export const tokenRoutes = [
  route({
    method: "POST",
    path: "/oauth/token",
    tag: "OpenID Connect",
    access: "public",
    audience: "oauth",
    summary: "Exchange an authorization code for an ID token, access token and profile (RFC 6749 §4.1.3)",
    form: z.object({
      grant_type: z.literal("authorization_code"),
      code: z.string(),
      redirect_uri: z.string(),
      client_id: z.optional(z.string()),
      client_secret: z.optional(z.string()),
      code_verifier: z.optional(z.string()),
    }),
    success: {
      status: 200,
      description: "access_token, token_type, expires_in, id_token, profile",
      schema: "TokenResponse",
    },
    responses: [
      { status: 400, description: "RFC 6749 §5.2 error (invalid_request, invalid_grant, …)", schema: "OAuthError" },
      { status: 401, description: "invalid_client: client authentication failed", schema: "OAuthError" },
    ],
    handler: tokenEndpoint,
  }),
  preflightRoute({ path: "/oauth/token", methods: ["POST"], policy: "client-origins", tag: "OpenID Connect" }),
];
