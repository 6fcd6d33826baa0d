import { initialSettings } from "../admin/connections/create-connection";
import { actorName } from "../admin/auth";
import { newScimToken } from "../admin/scim-tokens";
import { activationErrors } from "../connections/check-complete";
import { ApiError } from "../http/api-error";
import { route, type RouteContext } from "../http/route";
import { newConnectionId, orgIdOfToken } from "../lib/ids";
import { orgOp } from "../store/stores";
import { portalAssetRoutes } from "./assets";
import { portalForms } from "./form-schemas";
import { guideById } from "./guides";
import { linkEndedPage } from "./portal-page";
import { openPortal, readPortalForm, formText, type PortalSession } from "./portal-session";
import { livePage, renderSetup } from "./render-setup";
import { saveIdpSide } from "./save-idp-side";
import { testResultPage } from "./test-result-page";
import { runLdapTestSignIn } from "./ldap-test-sign-in";
import { startTestSignIn } from "./test-sign-in";

type Ctx<P extends object> = RouteContext<undefined, undefined, P>;

/** Opens the link of the path's token, or answers the page that says why it cannot be used. */
async function withSession(
  ctx: Ctx<{ token: string }>,
  then: (session: PortalSession) => Promise<Response>,
): Promise<Response> {
  const session = await openPortal(ctx.env, ctx.params.token);
  return session instanceof Response ? session : then(session);
}

const seeOther = (session: PortalSession, anchor: string) =>
  new Response(null, {
    status: 303,
    headers: { location: `${session.base}#${anchor}`, "cache-control": "no-store", "referrer-policy": "no-referrer" },
  });

/** POST …/provider: creates the link's one connection, a draft of the IdP's protocol. */
async function chooseProvider(ctx: Ctx<{ token: string }>) {
  return withSession(ctx, async (session) => {
    const form = await readPortalForm(ctx.env, ctx.request, session);
    if (session.connection) return seeOther(session, "configure");
    const guide = guideById(formText(form, "provider"));
    if (!guide)
      return renderSetup(ctx.env, session, {
        errors: { provider: "Choose one of the identity providers." },
        status: 400,
      });
    const orgId = session.organization.id;
    const id = newConnectionId(orgId);
    const typed = await initialSettings(ctx.env, id, { type: guide.protocol, provider: guide.provider });
    try {
      await orgOp(
        ctx.env,
        orgId,
        "createSetupConnection",
        {
          linkId: session.link.id,
          connection: { id, ...typed, name: guide.name, provider: guide.provider, domains: [] },
        },
        actorName(session.actor),
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 400)
        return renderSetup(ctx.env, session, { errors: { provider: error.detail }, status: 400 });
      throw error;
    }
    return seeOther(session, "configure");
  });
}

/** POST …/idp: saves the IdP side; refusals are shown next to their fields. */
async function saveIdp(ctx: Ctx<{ token: string }>) {
  return withSession(ctx, async (session) => {
    const form = await readPortalForm(ctx.env, ctx.request, session);
    if (!session.connection) return seeOther(session, "provider");
    const saved = await saveIdpSide(ctx as unknown as RouteContext, session, form);
    if (saved.ok) return seeOther(session, "test");
    const values: Record<string, string> = {};
    for (const name of [
      "metadataUrl",
      "metadataXml",
      "idpSsoUrl",
      "idpEntityId",
      "idpCertificate",
      "issuer",
      "clientId",
      "serverUri",
      "bindDn",
      "baseDn",
      "searchFilter",
    ]) {
      const value = formText(form, name);
      if (value) values[name] = value;
    }
    return renderSetup(ctx.env, session, { errors: saved.errors, values, posted: "idp", status: 400 });
  });
}

/** POST …/test: starts a test sign-in in the tab the form opened. */
async function startTest(ctx: Ctx<{ token: string }>) {
  return withSession(ctx, async (session) => {
    await readPortalForm(ctx.env, ctx.request, session);
    const connection = session.connection;
    if (!connection || connection.type === "ldap") return seeOther(session, "test");
    return startTestSignIn(ctx.env, session, connection);
  });
}

/** POST …/ldap-test: an LDAP test sign-in with the username and password the admin typed. */
async function ldapTest(ctx: Ctx<{ token: string }>) {
  return withSession(ctx, async (session) => {
    const form = await readPortalForm(ctx.env, ctx.request, session);
    const connection = session.connection;
    if (connection?.type !== "ldap") return seeOther(session, "test");
    return runLdapTestSignIn(ctx.env, ctx.request, session, connection, form);
  });
}

/**
 * POST …/scim-token: mints a SCIM token for the org (SPEC §2: only a link created with
 * `scim: true`, re-checked in the write) and answers the portal with it, shown this once.
 */
async function mintScimToken(ctx: Ctx<{ token: string }>) {
  return withSession(ctx, async (session) => {
    await readPortalForm(ctx.env, ctx.request, session);
    if (!session.link.scim)
      throw new ApiError(403, "forbidden", "This setup link was not created for directory sync (SCIM).");
    const { id, token, tokenHash } = await newScimToken();
    const guide = session.connection ? ` (${session.connection.name})` : "";
    await orgOp(
      ctx.env,
      session.organization.id,
      "mintSetupScimToken",
      { linkId: session.link.id, id, name: `Setup link ${session.link.id}${guide}`, tokenHash },
      actorName(session.actor),
    );
    return renderSetup(ctx.env, session, { scimToken: token, posted: "scim" });
  });
}

async function showTest(ctx: Ctx<{ token: string; testId: string }>) {
  return withSession(ctx, async (session) => {
    const test = await orgOp(ctx.env, session.organization.id, "getSetupTest", {
      linkId: session.link.id,
      id: ctx.params.testId,
    });
    if (!test) return linkEndedPage(ctx.env, 404, "This test result does not exist", "Run the test sign-in again.");
    return testResultPage(ctx.env, session, test);
  });
}

/** POST …/tests/{id}/use-entity-id: saves the verified Issuer the admin confirmed (SPEC §9). */
async function useEntityId(ctx: Ctx<{ token: string; testId: string }>) {
  return withSession(ctx, async (session) => {
    await readPortalForm(ctx.env, ctx.request, session);
    const orgId = session.organization.id;
    const test = await orgOp(ctx.env, orgId, "getSetupTest", { linkId: session.link.id, id: ctx.params.testId });
    const connection = session.connection;
    if (!test || test.result.outcome !== "succeeded" || !test.result.proposedEntityId || connection?.type !== "saml")
      return seeOther(session, "test");
    await orgOp(
      ctx.env,
      orgId,
      "updateConnection",
      {
        id: connection.id,
        settings: {
          ...connection.settings,
          saml: { ...connection.settings.saml, idpEntityId: test.result.proposedEntityId },
        },
        expectedUpdatedAt: connection.updatedAt,
        setupLinkId: session.link.id,
      },
      actorName(session.actor),
    );
    return seeOther(session, "activate");
  });
}

/** POST …/activate: goes live if complete (`sso_configuration.enabled`); the link then ends. */
async function activate(ctx: Ctx<{ token: string }>) {
  return withSession(ctx, async (session) => {
    await readPortalForm(ctx.env, ctx.request, session);
    const connection = session.connection;
    if (!connection) return seeOther(session, "provider");
    const errors = await activationErrors(ctx.env, connection, { outboundDetail: false });
    if (errors.length > 0)
      return renderSetup(ctx.env, session, { activationErrors: errors.map(activationWords), status: 409 });
    await orgOp(
      ctx.env,
      session.organization.id,
      "activateSetupConnection",
      { linkId: session.link.id, id: connection.id, expectedUpdatedAt: connection.updatedAt },
      actorName(session.actor),
    );
    return livePage(ctx.env, session);
  });
}

const FIELD_NAMES: Record<string, string> = {
  "saml.idpEntityId": "The IdP entity ID is missing: give the metadata, or confirm the one a test sign-in found.",
  "saml.idpSsoUrl": "The IdP sign-in URL is missing (step 3).",
  "saml.idpCertificates": "The IdP signing certificate is missing (step 3).",
  "oidc.issuer": "The issuer URL is missing (step 3).",
  "oidc.clientId": "The client ID is missing (step 3).",
  "oidc.clientSecret": "The client secret is missing (step 3).",
};

function activationWords(error: { path: string; message: string }): string {
  if (error.message === "is required to activate") return FIELD_NAMES[error.path] ?? `${error.path} is missing.`;
  return error.message;
}

const tag = "Setup portal";
/** Which org a failure belongs to: the one the token embeds. */
const failureScope = (_url: URL, params: Record<string, string>) => ({
  organizationId: orgIdOfToken(params.token ?? ""),
  connectionId: null,
});
const portalRoute = { tag, access: "public" as const, audience: "portal" as const, failureScope };

export const portalRoutes = [
  ...portalAssetRoutes,
  route({
    ...portalRoute,
    method: "GET",
    path: "/setup/:token",
    summary: "The setup portal (HTML); 404 for an unknown token, 410 for an ended link",
    success: { status: 200, description: "The portal page", contentType: "text/html" },
    handler: (ctx) => withSession(ctx, (session) => renderSetup(ctx.env, session)),
  }),
  route({
    ...portalRoute,
    method: "POST",
    path: "/setup/:token/provider",
    form: portalForms.provider,
    summary: "Choose the identity provider (creates the link's draft connection)",
    success: { status: 303, description: "Back to the portal" },
    handler: chooseProvider,
  }),
  route({
    ...portalRoute,
    method: "POST",
    path: "/setup/:token/idp",
    form: portalForms.idp,
    summary: "Save the IdP side (metadata URL, XML, fields; OIDC; LDAP)",
    success: { status: 303, description: "Back to the portal" },
    responses: [
      {
        status: 400,
        description: "The portal again, with plain-words errors next to the fields",
        contentType: "text/html",
      },
    ],
    handler: saveIdp,
  }),
  route({
    ...portalRoute,
    method: "POST",
    path: "/setup/:token/test",
    form: portalForms.csrfOnly,
    summary: "Start a test sign-in through the draft SAML or OIDC connection",
    success: { status: 302, description: "To the IdP (or its POST form)" },
    handler: startTest,
  }),
  route({
    ...portalRoute,
    method: "POST",
    path: "/setup/:token/ldap-test",
    form: portalForms.ldapTest,
    summary: "Run an LDAP test sign-in with a directory user's username and password (never stored)",
    success: { status: 303, description: "To the test's result page" },
    responses: [
      { status: 400, description: "The portal again: the username is missing", contentType: "text/html" },
      {
        status: 429,
        description: "The portal again: too many failed attempts (Retry-After)",
        contentType: "text/html",
      },
    ],
    handler: ldapTest,
  }),
  route({
    ...portalRoute,
    method: "GET",
    path: "/setup/:token/tests/:testId",
    summary: "A test sign-in's result: the profile the app would get, or the reason and the fix",
    success: { status: 200, description: "The result page", contentType: "text/html" },
    handler: showTest,
  }),
  route({
    ...portalRoute,
    method: "POST",
    path: "/setup/:token/tests/:testId/use-entity-id",
    form: portalForms.csrfOnly,
    summary: "Save the IdP entity ID a verified test response named",
    success: { status: 303, description: "Back to the portal" },
    handler: useEntityId,
  }),
  route({
    ...portalRoute,
    method: "POST",
    path: "/setup/:token/scim-token",
    form: portalForms.csrfOnly,
    summary: "Mint a SCIM token for the org (links created with scim: true only); shown once",
    success: { status: 200, description: "The portal with the token, shown this once", contentType: "text/html" },
    handler: mintScimToken,
  }),
  route({
    ...portalRoute,
    method: "POST",
    path: "/setup/:token/activate",
    form: portalForms.csrfOnly,
    summary: "Activate the connection (fires sso_configuration.enabled; the link ends)",
    success: { status: 200, description: "The live page", contentType: "text/html" },
    responses: [{ status: 409, description: "The portal again, naming what is missing", contentType: "text/html" }],
    handler: activate,
  }),
];
