import * as z from "zod/mini";
import type { Env } from "../../env";
import { sha256Hex } from "../../crypto/hash";
import { readUrlEncodedForm } from "../../http/read-body";
import { route, type RouteContext } from "../../http/route";
import { orgIdOfConnection, orgIdOfToken, randomToken } from "../../lib/ids";
import type { LdapFormRefusal } from "../../store/org/ldap-login-ops";
import type { PendingLogin } from "../../store/org/login-types";
import type { LdapConnection } from "../../store/org/types";
import { orgOp } from "../../store/stores";
import { browserBindingHashes, clearBindingCookie } from "../browser-binding";
import { failureMessage, type BrowserFailureReason, type LdapFailure } from "../failure-reasons";
import { brandingOf } from "../branding";
import { loginFailureResponse, recordLoginFailure } from "../login-error";
import { withRetry } from "../retry-login";
import { completeLdapLogin } from "./complete-ldap-login";
import { ldapFormPage } from "./login-form";

/** A form of three short fields; anything larger is not ours. */
const MAX_FORM_BYTES = 8 * 1024;

type LdapFormContext = RouteContext<undefined, undefined, { connId: string }>;

/** The request's org, connection and pending login, as both routes read them from the URL. */
interface FormRequest {
  organizationId: string;
  connectionId: string;
  relayState: string;
  browserHashes: string[];
}

/**
 * GET /ldap/{connId}/login?rs=… (SPEC §3, §9): the hosted form of a pending LDAP login,
 * shown only to the browser that holds its binding cookie.
 */
async function showForm(ctx: LdapFormContext): Promise<Response> {
  const request = await readFormRequest(ctx);
  if (!request.ok) return request.response;
  const view = await orgOp(ctx.env, request.value.organizationId, "viewLdapLogin", request.value);
  if (!view.ok) return refused(ctx.env, request.value, view.reason);
  return formPage(ctx.env, view.connection, view.pending, request.value, view.pending.loginHint ?? "");
}

/**
 * POST /ldap/{connId}/login?rs=…: a pipeline (SPEC §9). The org's object checks the
 * pending login, the CSRF token and the throttle, and counts the attempt, in one step;
 * the directory is asked; a failure shows the form again with one message (the reason in
 * the audit log under a reference id); success consumes the pending login and ends like
 * every login, on the app's redirect URI with a code.
 */
async function submitForm(ctx: LdapFormContext): Promise<Response> {
  const { env } = ctx;
  const request = await readFormRequest(ctx);
  if (!request.ok) return request.response;
  const req = request.value;
  const form = await readUrlEncodedForm(ctx.request, MAX_FORM_BYTES);
  if (!form) return fail(env, req, "bad_request", "the form is not urlencoded, too large or not UTF-8");
  const username = (form.get("username") ?? "").trim();
  const password = form.get("password") ?? "";
  const keys = await throttleKeys(username, ctx.request);
  const begin = await orgOp(env, req.organizationId, "beginLdapAttempt", {
    ...req,
    ...keys,
    csrf: form.get("csrf") ?? "",
  });
  if (!begin.ok) {
    if (begin.reason === "csrf_mismatch")
      return fail(env, req, "csrf_mismatch", "the form's CSRF token is missing or not this login's");
    return refused(env, req, begin.reason);
  }
  const { connection, pending } = begin;
  if (begin.retryAfterMs !== null) {
    const seconds = Math.ceil(begin.retryAfterMs / 1000);
    return retry(env, req, connection, pending, username, "ldap_throttled", `throttled for ${seconds} s`, {
      status: 429,
      headers: { "retry-after": String(seconds) },
    });
  }
  const submission = await completeLdapLogin(env, {
    connection,
    pending,
    username,
    password,
    claim: () => orgOp(env, req.organizationId, "claimLdapLogin", { ...req, ...keys }),
    now: Date.now(),
  });
  if (submission.kind === "retry")
    return retry(env, req, connection, pending, username, submission.reason, submission.detail, { status: 401 });
  if (submission.kind === "expired") return fail(env, req, "unknown_relay_state", submission.detail);
  const cookie = { "set-cookie": clearBindingCookie(pending.requestId) };
  const outcome = submission.outcome;
  if (!outcome.ok) return loginFailureResponse(env, withRetry(env, outcome.failure, pending), outcome.redirect, cookie);
  return new Response(null, {
    status: 302,
    headers: { location: outcome.location, "cache-control": "no-store", ...cookie },
  });
}

/** The form again after a failed attempt: one message, the username kept, the reason recorded under a reference id. */
async function retry(
  env: Env,
  req: FormRequest,
  connection: LdapConnection,
  pending: PendingLogin,
  username: string,
  reason: LdapFailure,
  detail: string,
  response: { status: number; headers?: Record<string, string> },
): Promise<Response> {
  const referenceId = await recordLoginFailure(env, {
    reason,
    detail: `${detail} (username ${JSON.stringify(username)})`,
    organizationId: req.organizationId,
    connectionId: req.connectionId,
  });
  const error = `${failureMessage(reason)} (reference ${referenceId})`;
  return formPage(env, connection, pending, req, username, error, response);
}

function formPage(
  env: Env,
  connection: LdapConnection,
  pending: PendingLogin,
  req: FormRequest,
  username: string,
  error?: string,
  response: { status: number; headers?: Record<string, string> } = { status: 200 },
): Response {
  return ldapFormPage({
    connectionName: connection.name,
    brand: brandingOf(env),
    action: `/ldap/${encodeURIComponent(req.connectionId)}/login?rs=${encodeURIComponent(req.relayState)}`,
    csrf: pending.upstream?.csrf ?? "",
    username,
    redirectUri: pending.redirectUri,
    ...(error ? { error } : {}),
    status: response.status,
    headers: response.headers,
  });
}

/** The org, connection, pending login and browser of a form URL, or the error page when they do not hold together. */
async function readFormRequest(
  ctx: LdapFormContext,
): Promise<{ ok: true; value: FormRequest } | { ok: false; response: Response }> {
  const connectionId = ctx.params.connId;
  const organizationId = orgIdOfConnection(connectionId);
  const relayState = ctx.url.searchParams.get("rs");
  const page = (reason: BrowserFailureReason, detail: string) =>
    loginFailureResponse(ctx.env, {
      reason,
      detail,
      organizationId,
      connectionId: organizationId ? connectionId : null,
    }).then((response) => ({ ok: false as const, response }));
  if (!organizationId) return page("unknown_connection", `malformed connection id ${connectionId}`);
  if (!relayState || orgIdOfToken(relayState) !== organizationId)
    return page("unknown_relay_state", "rs names no pending login of this organization");
  const browserHashes = await browserBindingHashes(ctx.request);
  return { ok: true, value: { organizationId, connectionId, relayState, browserHashes } };
}

function refused(env: Env, req: FormRequest, reason: LdapFormRefusal): Promise<Response> {
  switch (reason) {
    case "unknown_connection":
      return fail(env, req, "unknown_connection", `no LDAP connection ${req.connectionId}`);
    case "unknown":
      return fail(env, req, "unknown_relay_state", "rs names no pending login (expired, used or forged)");
    case "browser_mismatch":
      return fail(env, req, "browser_mismatch", "the pending login was started in another browser");
    case "connection_mismatch":
      return fail(env, req, "relay_state_mismatch", "the pending login belongs to another connection");
  }
}

function fail(env: Env, req: FormRequest, reason: BrowserFailureReason, detail: string): Promise<Response> {
  return loginFailureResponse(env, {
    reason,
    detail,
    organizationId: req.organizationId,
    connectionId: req.connectionId,
  });
}

/**
 * The throttle's keys (SPEC §9): the trimmed, lower-cased username and `CF-Connecting-IP`
 * (every request through Cloudflare has it; without it, all such requests share one key),
 * hashed so the table holds neither; and this attempt's ID. The portal's LDAP test uses them too.
 */
export async function throttleKeys(username: string, request: Request) {
  const ip = request.headers.get("cf-connecting-ip")?.trim() || "unknown";
  return {
    userKey: `user:${await sha256Hex(username.toLowerCase())}`,
    ipKey: `ip:${await sha256Hex(ip)}`,
    attemptId: randomToken(12),
  };
}

const PATH = "/ldap/:connId/login";
const failureScope = (_url: URL, params: Record<string, string>) => {
  const organizationId = orgIdOfConnection(params.connId ?? "");
  return { organizationId, connectionId: organizationId ? (params.connId ?? null) : null };
};

export const ldapLoginRoutes = [
  route({
    method: "GET",
    path: PATH,
    tag: "Login",
    access: "public",
    audience: "browser",
    summary: "The hosted username/password form of a pending LDAP login (authorize redirects here with rs)",
    success: { status: 200, description: "The form (HTML, CSRF token, no-store)", contentType: "text/html" },
    failureScope,
    handler: showForm,
  }),
  route({
    method: "POST",
    path: PATH,
    tag: "Login",
    access: "public",
    audience: "browser",
    summary:
      "Submit the LDAP form (username, password, csrf): search searchFilter, bind as the entry, then the code path; throttled per username and client IP",
    form: z.object({ username: z.string(), password: z.string(), csrf: z.string() }),
    success: { status: 302, description: "Redirect to the app's redirect_uri with code and state" },
    responses: [
      {
        status: 401,
        description: "The form again, with one message for every credential problem",
        contentType: "text/html",
      },
      { status: 429, description: "Too many failed attempts (Retry-After)", contentType: "text/html" },
    ],
    failureScope,
    handler: submitForm,
  }),
];
