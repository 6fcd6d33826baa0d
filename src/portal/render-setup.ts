import { spUrls } from "../connections/settings";
import type { Env } from "../env";
import { escapeHtml } from "../flow/html";
import { oidcCallbackUrl } from "../oidc/resolve-idp";
import type { ConnectionRecord } from "../store/org/types";
import { orgOp } from "../store/stores";
import { IDP_GUIDES, type IdpGuide, type SpValues } from "./guides";
import type { FormErrors } from "./plain-errors";
import { portalPage } from "./portal-page";
import type { PortalSession } from "./portal-session";
import { activateStep, testStep } from "./step-test-activate";
import { idpSideStep } from "./step-idp-side";
import { scimStep } from "./step-scim";
import { chooseProvider, configureIdp, type PortalStep, type PortalView } from "./steps";

/** The portal's steps, in order (SPEC §9); SCIM (SPEC §10) before Activate, which ends the link. */
export const PORTAL_STEPS: readonly PortalStep[] = [
  chooseProvider,
  configureIdp,
  idpSideStep,
  testStep,
  scimStep,
  activateStep,
];

/** The guide of a connection the portal made: by its name, else its provider and protocol. */
export function guideOf(connection: ConnectionRecord): IdpGuide {
  return (
    IDP_GUIDES.find((g) => g.name === connection.name && g.protocol === connection.type) ??
    IDP_GUIDES.find((g) => g.provider === connection.provider && g.protocol === connection.type) ??
    IDP_GUIDES.find((g) => g.provider === "Generic" && g.protocol === connection.type)!
  );
}

export function spValuesOf(env: Env, connectionId: string): SpValues {
  const urls = spUrls(env.PUBLIC_URL, connectionId);
  return {
    acsUrl: urls.acsUrl,
    entityId: urls.entityId,
    metadataUrl: urls.metadataUrl,
    oidcRedirectUri: oidcCallbackUrl(env.PUBLIC_URL),
  };
}

/** The portal's page for an open link, with this request's errors (if any) under their fields. */
export async function renderSetup(
  env: Env,
  session: PortalSession,
  outcome: {
    errors?: FormErrors;
    values?: Record<string, string>;
    posted?: string;
    activationErrors?: string[];
    /** A SCIM token this request minted: shown once. */
    scimToken?: string;
    status?: number;
  } = {},
): Promise<Response> {
  const connection = session.connection;
  if (connection?.state === "active") return livePage(env, session);
  const view: PortalView = {
    env,
    session,
    guide: connection ? guideOf(connection) : null,
    sp: connection ? spValuesOf(env, connection.id) : null,
    attempts: connection
      ? await orgOp(env, session.organization.id, "lastSignInAttempts", { connectionId: connection.id })
      : [],
    errors: outcome.errors ?? {},
    values: outcome.values ?? {},
    posted: outcome.posted ?? null,
    activationErrors: outcome.activationErrors ?? [],
    scimTokens: session.link.scim
      ? await orgOp(env, session.organization.id, "setupScimTokens", { linkId: session.link.id })
      : [],
    mintedScimToken: outcome.scimToken ?? null,
  };
  const listed = PORTAL_STEPS.filter((s) => s.listed?.(view) ?? true);
  const steps = listed.filter((s) => s.applies(view));
  const current = steps.find((s) => !s.done(view))?.id;
  const cards = steps.map(
    (s) =>
      `<section class="card" id="${s.id}" aria-labelledby="${s.id}-h">${s.render(view).replace("<h2>", `<h2 id="${s.id}-h">${listed.indexOf(s) + 1}. `)}</section>`,
  );
  return portalPage(env, {
    title: "Set up single sign-on",
    status: outcome.status ?? 200,
    organizationName: session.organization.name,
    nav: listed.map((s) => ({
      id: s.id,
      title: s.title,
      state: s.done(view) && s.applies(view) ? "done" : s.id === current ? "current" : "todo",
    })),
    body:
      `<h1>Set up single sign-on</h1><p class="lead">Connect ${escapeHtml(session.organization.name)}'s identity provider in a few steps. Nothing goes live until you activate it.</p>` +
      cards.join(""),
    footer: `This private link works until ${escapeHtml(new Date(session.link.expiresAt).toUTCString().replace(" GMT", " UTC"))}. Do not share it.`,
    formAction: await testFormAction(env, connection),
  });
}

/**
 * The test sign-in form posts to the portal, which answers with a redirect (or a POST form)
 * to the IdP: CSP form-action governs that redirect too, so the IdP's origin is allowed —
 * SAML's SSO URL; for OIDC the authorization endpoint's, from the explicit setting or the
 * cached discovery document, else the issuer's (where every common provider serves it).
 */
export async function testFormAction(env: Env, connection: ConnectionRecord | null): Promise<string[]> {
  const urls: Array<string | null> = [];
  if (connection?.type === "saml") urls.push(connection.settings.saml.idpSsoUrl);
  if (connection?.type === "oidc") {
    const oidc = connection.settings.oidc;
    urls.push(oidc.issuer, oidc.authorizationEndpoint ?? null);
    if (oidc.issuer) {
      const cache = await orgOp(env, connection.organizationId, "getOidcIdpCache", {
        connectionId: connection.id,
        issuer: oidc.issuer,
      });
      urls.push(cache?.metadata?.authorization_endpoint ?? null);
    }
  }
  const origins = new Set<string>();
  for (const url of urls) {
    if (!url) continue;
    try {
      origins.add(new URL(url).origin);
    } catch {
      // A malformed URL names no origin to allow.
    }
  }
  return [...origins];
}

/** After activation: the link's connection is live. */
export function livePage(env: Env, session: PortalSession): Response {
  return portalPage(env, {
    title: "Single sign-on is live",
    organizationName: session.organization.name,
    body:
      `<div class="card"><p class="notice ok" role="status"><strong>Single sign-on is live.</strong></p>` +
      `<h1>You're done</h1><p>People at ${escapeHtml(session.organization.name)} now sign in through their identity provider. This setup link no longer works; ask for a new one to change the configuration.</p></div>`,
  });
}
