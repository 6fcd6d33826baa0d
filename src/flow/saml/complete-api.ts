import * as z from "zod/mini";
import type { Env } from "../../env";
import { sha256Hex, timingSafeEqual } from "../../crypto/hash";
import { ApiError } from "../../http/api-error";
import { json } from "../../http/problem";
import { route, type RouteContext } from "../../http/route";
import { orgIdOfToken } from "../../lib/ids";
import { parseBasicCredentials } from "../../oauth/read-client-credentials";
import type { ClientRecord } from "../../store/app/client-ops";
import { readClient } from "../../store/cache/app-records";
import { orgOp } from "../../store/stores";
import { failureMessage } from "../failure-reasons";
import { recordLoginFailure } from "../login-error";

const samlMessage = {
  SAMLResponse: z.string().check(z.minLength(1), z.maxLength(400_000)),
  RelayState: z.optional(z.string().check(z.maxLength(200))),
};
const organizationIdField = z.string().check(z.regex(/^org_[0-9a-z]{26}$/, "must be an organization id"));
const redirectUriField = z.string().check(z.maxLength(2048));

/** Our names, or seed 001's `organization_id` and `redirect_uri` (SPEC §7). */
const completeBody = z.union([
  z.strictObject({ ...samlMessage, organizationId: organizationIdField, redirectUri: redirectUriField }),
  z.strictObject({ ...samlMessage, organization_id: organizationIdField, redirect_uri: redirectUriField }),
]);

type Body = z.infer<typeof completeBody>;

/** The request in our names, whichever shape it came in. */
function readBody(body: Body) {
  return "organizationId" in body
    ? body
    : { ...body, organizationId: body.organization_id, redirectUri: body.redirect_uri };
}

/** The confidential client named by HTTP Basic (RFC 6749 §2.3.1), or 401. */
async function authenticateClient(env: Env, request: Request): Promise<ClientRecord> {
  const credentials = parseBasicCredentials(request.headers.get("authorization") ?? "");
  const client = credentials ? await readClient(env, credentials.clientId) : null;
  if (!credentials || !client?.secretHash || !timingSafeEqual(await sha256Hex(credentials.secret), client.secretHash)) {
    throw new ApiError(
      401,
      "unauthorized",
      "Authenticate as the OAuth client with HTTP Basic client_id:client_secret.",
    );
  }
  return client;
}

/**
 * POST /api/v1/sso/saml/complete (seed 001, SPEC §3): an app that hosts its own ACS hands
 * the SAMLResponse over. The client's authentication and the RelayState replace the
 * browser binding; the connection's `acsUrlOverride` is the ACS URL the response must name.
 */
async function completeSaml({ env, request, body: raw }: RouteContext<Body>): Promise<Response> {
  const body = readBody(raw);
  const client = await authenticateClient(env, request);
  const orgId = body.organizationId;
  const claim =
    body.RelayState && orgIdOfToken(body.RelayState) === orgId
      ? await orgOp(env, orgId, "consumePendingLogin", { relayState: body.RelayState, clientId: client.clientId })
      : null;
  if (body.RelayState && !claim?.ok) {
    throw new ApiError(
      400,
      "login_failed",
      claim && !claim.ok && claim.reason === "client_mismatch"
        ? "The pending login belongs to another client."
        : "RelayState names no pending login (expired, used or unknown).",
    );
  }
  const pending = claim?.ok ? claim.pending : null;
  if (pending && pending.redirectUri !== body.redirectUri) {
    throw new ApiError(400, "login_failed", "The pending login was started for another redirect URI.");
  }
  const connection = pending
    ? await orgOp(env, orgId, "getConnection", { id: pending.connectionId })
    : await idpInitiatedConnection(env, orgId, client, body.redirectUri);
  if (connection.type !== "saml" || !connection.settings.saml.acsUrlOverride) {
    throw new ApiError(400, "login_failed", "The connection has no acsUrlOverride: its ACS is edge-sso's own.");
  }
  // The verifier is loaded on first use, as by the ACS (acs.ts).
  const { completeSamlLogin } = await import("./complete-saml-login");
  const outcome = await completeSamlLogin(env, {
    connection,
    samlResponse: body.SAMLResponse,
    pending,
    now: Date.now(),
  });
  if (outcome.ok) return json({ result: outcome.location });
  const referenceId = await recordLoginFailure(env, outcome.failure);
  throw new ApiError(400, "login_failed", `${failureMessage(outcome.failure.reason)} (reference ${referenceId})`);
}

/** Without RelayState the response must be IdP-initiated, for this client and redirect URI. */
async function idpInitiatedConnection(env: Env, orgId: string, client: ClientRecord, redirectUri: string) {
  const page = await orgOp(env, orgId, "listConnections", { limit: 100, type: "saml", state: "active" });
  const connection = page.data.find((c) => {
    if (c.type !== "saml") return false;
    const s = c.settings;
    return (
      s.saml.allowIdpInitiated &&
      s.saml.acsUrlOverride &&
      s.idpInitiatedClientId === client.clientId &&
      s.idpInitiatedRedirectUri === redirectUri
    );
  });
  if (!connection)
    throw new ApiError(
      400,
      "login_failed",
      "No RelayState, and no connection accepts IdP-initiated logins for this client and redirect URI.",
    );
  return connection;
}

const PROBLEM = "application/problem+json";

export const completeSamlRoute = route({
  method: "POST",
  path: "/api/v1/sso/saml/complete",
  tag: "Login",
  access: "public",
  audience: "api",
  summary: "Complete a SAML login for an app that hosts its own ACS (HTTP Basic client authentication)",
  body: completeBody,
  success: { status: 200, description: "{result: redirect URL with code and state}", schema: "SamlCompleteResult" },
  responses: [
    {
      status: 400,
      description: "The response was refused (login_failed, naming a reference id)",
      schema: "Problem",
      contentType: PROBLEM,
    },
    { status: 401, description: "Client authentication failed", schema: "Problem", contentType: PROBLEM },
  ],
  handler: completeSaml,
});
