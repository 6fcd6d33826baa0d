import * as z from "zod/mini";
import type { Env } from "../../env";
import { ApiError } from "../../http/api-error";
import { readUrlEncodedForm } from "../../http/read-body";
import { route, type RouteContext } from "../../http/route";
import { randomToken } from "../../lib/ids";
import { isRegisteredRedirectUri } from "../../oauth/check-redirect-uri";
import { issuerOf } from "../../oauth/issuer";
import { publishedJwks } from "../../oauth/signing-keys";
import { verifyIdTokenHint, type IdTokenHint } from "../../oauth/verify-id-token-hint";
import { readClient } from "../../store/cache/app-records";
import type { ClientRecord } from "../../store/app/client-ops";
import { orgOp } from "../../store/stores";
import { checkLogoutCsrf, CLEAR_LOGOUT_CSRF, newLogoutCsrf } from "./logout-csrf";
import { confirmationPage, finish, logoutRefusalPage } from "./logout-pages";
import { sendLogoutRequest } from "./send-logout-request";

/** The RP-Initiated Logout 1.0 §2 parameters we read; each at most once. */
const PARAMETERS = ["id_token_hint", "client_id", "post_logout_redirect_uri", "state", "csrf", "confirm"] as const;
type LogoutParams = Record<(typeof PARAMETERS)[number], string | null>;

/** A logout request of a few short parameters (an ID token among them); anything larger is not ours. */
const MAX_FORM_BYTES = 32 * 1024;

/**
 * GET|POST /oauth/logout (SPEC §9, OpenID RP-Initiated Logout 1.0), a pipeline: read the
 * parameters; verify `id_token_hint` against our own keys and issuer; settle the client
 * (`client_id`, else the hint's `aud`; both must agree) and check `post_logout_redirect_uri`
 * exactly against its `postLogoutRedirectUris` — an unregistered URI gets the refusal page,
 * never a redirect. With a valid hint the session it names ends at once in its org's object
 * (codes and access tokens revoked), then a SAML login's IdP gets our LogoutRequest; without
 * one the user is asked to confirm (logout CSRF, §2).
 */
async function rpLogout({ env, request, url }: RouteContext): Promise<Response> {
  const params = await readParams(request, url);
  if (!params.ok) return logoutRefusalPage(env, "logout_invalid_request", params.detail);
  const p = params.value;
  const hint = p.id_token_hint === null ? null : await checkHint(env, p.id_token_hint);
  if (p.client_id !== null && hint && p.client_id !== hint.clientId)
    return logoutRefusalPage(
      env,
      "logout_client_mismatch",
      `client_id ${p.client_id}, id_token_hint aud ${hint.clientId}`,
    );
  const clientId = p.client_id ?? hint?.clientId ?? null;
  const client = clientId === null ? null : await readClient(env, clientId);
  if (clientId !== null && !client)
    return logoutRefusalPage(env, "unknown_client", `client ${clientId} is not registered`);
  const returnTo = finalRedirect(client, p);
  if (!returnTo.ok) return logoutRefusalPage(env, returnTo.reason, returnTo.detail);
  if (hint) return endHintedSession(env, hint, returnTo.value);
  if (request.method === "POST" && (p.confirm !== null || p.csrf !== null)) {
    const csrf = checkLogoutCsrf({
      formToken: p.csrf,
      cookieHeader: request.headers.get("cookie"),
      origin: request.headers.get("origin"),
      publicUrl: env.PUBLIC_URL,
    });
    if (!csrf.ok) return logoutRefusalPage(env, "logout_csrf_mismatch", csrf.detail);
    // Confirmed, with no valid hint: edge-sso keeps no browser session of its own (a session
    // is named only by the sid of a verified ID token), so there is nothing local to end.
    return finish(env, returnTo.value, { "set-cookie": CLEAR_LOGOUT_CSRF });
  }
  const csrf = newLogoutCsrf();
  return confirmationPage(env, {
    clientName: client?.name ?? null,
    clientId: p.client_id,
    postLogoutRedirectUri: p.post_logout_redirect_uri,
    state: p.state,
    csrf: csrf.token,
    headers: { "set-cookie": csrf.cookie },
  });
}

async function readParams(
  request: Request,
  url: URL,
): Promise<{ ok: true; value: LogoutParams } | { ok: false; detail: string }> {
  const source = request.method === "POST" ? await readUrlEncodedForm(request, MAX_FORM_BYTES) : url.searchParams;
  if (!source) return { ok: false, detail: "the POST body is not urlencoded, too large or not UTF-8" };
  const value = {} as LogoutParams;
  for (const name of PARAMETERS) {
    const all = source.getAll(name);
    if (all.length > 1) return { ok: false, detail: `${name} is repeated` };
    value[name] = all[0] || null;
  }
  return { ok: true, value };
}

/** The hint when it is one of our ID tokens; null (the user is asked) when it is not, with the reason logged. */
async function checkHint(env: Env, hint: string): Promise<IdTokenHint | null> {
  const now = Date.now();
  const { keys } = await publishedJwks(env, now);
  const result = await verifyIdTokenHint({ hint, issuer: issuerOf(env.PUBLIC_URL), keys, now });
  if (result.ok) return result.value;
  console.warn(JSON.stringify({ event: "logout.hint_refused", reason: result.reason, detail: result.detail }));
  return null;
}

type ReturnTo =
  | { ok: true; value: string | null }
  | { ok: false; reason: "logout_client_missing" | "post_logout_redirect_uri_mismatch"; detail: string };

/**
 * Where the user ends (RP-Initiated Logout 1.0 §3): `post_logout_redirect_uri` with `state`,
 * only when it is one of the client's registered `postLogoutRedirectUris`, compared exactly as
 * redirect URIs are (no normalization); no URI: our "signed out" page.
 */
function finalRedirect(client: ClientRecord | null, p: LogoutParams): ReturnTo {
  const uri = p.post_logout_redirect_uri;
  if (uri === null) return { ok: true, value: null };
  if (!client)
    return {
      ok: false,
      reason: "logout_client_missing",
      detail: "post_logout_redirect_uri without client_id or a valid id_token_hint",
    };
  if (!isRegisteredRedirectUri(client.postLogoutRedirectUris, uri))
    return {
      ok: false,
      reason: "post_logout_redirect_uri_mismatch",
      detail: `post_logout_redirect_uri ${uri} is not registered for ${client.clientId}`,
    };
  const location = new URL(uri);
  if (p.state !== null) location.searchParams.set("state", p.state);
  return { ok: true, value: location.toString() };
}

/**
 * Ends the session the hint names, in that org's object only (SPEC §1 hot path), then sends a
 * SAML login's IdP our LogoutRequest; a session already ended, expired or another client's ends
 * nothing and still reaches the final redirect (logout is idempotent).
 */
async function endHintedSession(env: Env, hint: IdTokenHint, returnTo: string | null): Promise<Response> {
  if (!hint.session) return finish(env, returnTo);
  const now = Date.now();
  const logoutRequest = { requestId: `_${randomToken(20)}`, relayState: randomToken(32), returnTo };
  let started;
  try {
    started = await orgOp(env, hint.session.organizationId, "beginRpLogout", {
      sid: hint.session.sid,
      clientId: hint.clientId,
      logoutRequest,
    });
  } catch (error) {
    // The org was deleted since: its sessions went with it.
    if (error instanceof ApiError && error.status === 404) return finish(env, returnTo);
    throw error;
  }
  if (!started.saml) return finish(env, returnTo);
  const sent = await sendLogoutRequest(env, {
    connection: started.saml.connection,
    session: started.saml.sessionName,
    request: logoutRequest,
    now,
  });
  return sent ?? finish(env, returnTo);
}

const PAGE = {
  status: 200,
  description: "The confirmation page (no valid id_token_hint), or the signed-out page",
  contentType: "text/html",
};
const RESPONSES = [
  {
    status: 302,
    description: "To the registered post_logout_redirect_uri (with state), or to the IdP with a SAML LogoutRequest",
  },
];
const summary = "RP-initiated logout (OpenID RP-Initiated Logout 1.0): end the session an id_token_hint names";

/** GET and POST /oauth/logout (RP-Initiated Logout 1.0 §2: the RP may use either). */
export const rpLogoutRoutes = [
  route({
    method: "GET",
    path: "/oauth/logout",
    tag: "OpenID Connect",
    access: "public",
    audience: "browser",
    summary,
    success: PAGE,
    responses: RESPONSES,
    handler: rpLogout,
  }),
  route({
    method: "POST",
    path: "/oauth/logout",
    tag: "OpenID Connect",
    access: "public",
    audience: "browser",
    summary: `${summary} (form-encoded; also the confirmation form's submission, with csrf)`,
    form: z.object({
      id_token_hint: z.optional(z.string()),
      client_id: z.optional(z.string()),
      post_logout_redirect_uri: z.optional(z.string()),
      state: z.optional(z.string()),
      csrf: z.optional(z.string()),
      confirm: z.optional(z.string()),
    }),
    success: PAGE,
    responses: RESPONSES,
    handler: rpLogout,
  }),
];
