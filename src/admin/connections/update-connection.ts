import { applyLdapFields, applyOidcFields, applySamlFields, samlFromMetadata } from "../../connections/apply-fields";
import { connectionView } from "../../connections/connection-view";
import type { ConnectionSecrets, ConnectionSettings, SamlSettings } from "../../connections/settings";
import type { Env } from "../../env";
import { normalizeDomains } from "../../domains/normalize-domain";
import { ApiError } from "../../http/api-error";
import { refuseOutboundUrls } from "../../http/outbound-url";
import { json } from "../../http/problem";
import type { RouteContext } from "../../http/route";
import { definedFields } from "../../lib/defined-fields";
import type { ConnectionRecord } from "../../store/org/types";
import { orgOp } from "../../store/stores";
import { actorName, isAppWide } from "../auth";
import { fetchIdpMetadata } from "./fetch-idp-metadata";
import { guardAppWideFields, guardConnectionRoute } from "./guard";
import type { UpdateConnectionBody } from "./schemas";
import type * as z from "zod/mini";
import type { idpMetadataBody } from "./schemas";
import { normalizeCertificates } from "../../connections/apply-fields";

/** PATCH …/connections/{connId}: changes settings; never contacts the IdP. */
export async function updateConnection(
  ctx: RouteContext<UpdateConnectionBody, undefined, { orgId: string; connId: string }>,
): Promise<Response> {
  await guardConnectionRoute(ctx, true);
  guardAppWideFields(ctx, ctx.body);
  const { env, body, params } = ctx;
  const current = await orgOp(env, params.orgId, "getConnection", { id: params.connId });
  const foreign = (["saml", "oidc", "ldap"] as const).filter((t) => t !== current.type && body[t] !== undefined);
  if (foreign.length > 0) {
    throw new ApiError(
      400,
      "validation_failed",
      `A ${current.type} connection takes no ${foreign.join("/")} block.`,
      foreign.map((t) => ({ path: t, message: `not allowed for type ${current.type}` })),
    );
  }
  const common = definedFields({
    allowAnyEmailDomain: body.allowAnyEmailDomain,
    idpInitiatedClientId: body.idpInitiatedClientId,
    idpInitiatedRedirectUri: body.idpInitiatedRedirectUri,
  });
  const applied = await applyBlock(env, current, body);
  const settings = { ...applied.settings, ...common };
  const secrets = applied.secrets;
  const domains = body.domains === undefined ? undefined : await normalizeDomains(body.domains);
  // The object lists exactly what changed; a PATCH that changes nothing records no
  // connection.updated or sso_configuration.updated.
  const record = await orgOp(
    env,
    params.orgId,
    "updateConnection",
    {
      id: current.id,
      name: body.name,
      provider: body.provider,
      domains,
      settings,
      secrets,
      expectedUpdatedAt: current.updatedAt,
      setupLinkId: setupLinkOf(ctx),
    },
    actorName(ctx.actor),
  );
  return json(await connectionView(record, env.PUBLIC_URL));
}

/** Applies the request's block of the connection's own protocol to its settings. */
async function applyBlock(
  env: Env,
  current: ConnectionRecord,
  body: UpdateConnectionBody,
): Promise<{ settings: ConnectionSettings; secrets: ConnectionSecrets }> {
  const unchanged = { settings: current.settings, secrets: {} };
  switch (current.type) {
    case "saml": {
      if (!body.saml) return unchanged;
      const applied = await applySamlFields(env, current.settings.saml, body.saml);
      return { ...applied, settings: { ...current.settings, saml: applied.settings } };
    }
    case "oidc": {
      if (!body.oidc) return unchanged;
      const applied = await applyOidcFields(env, current.settings.oidc, body.oidc, current.secrets);
      return { ...applied, settings: { ...current.settings, oidc: applied.settings } };
    }
    case "ldap": {
      if (!body.ldap) return unchanged;
      const applied = await applyLdapFields(env, current.settings.ldap, body.ldap, current.secrets);
      return { ...applied, settings: { ...current.settings, ldap: applied.settings } };
    }
  }
}

/**
 * POST …/idp-metadata: exactly one of metadata XML, a metadata URL (fetched now), or the
 * fields of seed 002 (`idpEntityId`, `idpSsoUrl`, `idpCertificate`, `provider`).
 */
export async function setIdpMetadata(
  ctx: RouteContext<z.infer<typeof idpMetadataBody>, undefined, { orgId: string; connId: string }>,
): Promise<Response> {
  await guardConnectionRoute(ctx, true);
  const { env, body, params } = ctx;
  const current = await orgOp(env, params.orgId, "getConnection", { id: params.connId });
  if (current.type !== "saml")
    throw new ApiError(400, "validation_failed", "IdP metadata applies to SAML connections.", [
      { path: "", message: "connection is not saml" },
    ]);
  const settings = current.settings;
  const { saml, provider } = await samlFromIdpMetadataBody(env, settings.saml, body, {
    outboundDetail: isAppWide(ctx.actor),
  });
  const record = await orgOp(
    env,
    params.orgId,
    "updateConnection",
    {
      id: current.id,
      provider,
      settings: { ...settings, saml },
      expectedUpdatedAt: current.updatedAt,
      setupLinkId: setupLinkOf(ctx),
    },
    actorName(ctx.actor),
  );
  return json(await connectionView(record, env.PUBLIC_URL));
}

/**
 * The IdP side a body of `idp-metadata` gives: read from XML, fetched from a URL, or set
 * from fields. Throws 400 naming the field when it cannot be read. The setup portal uses it too.
 */
export async function samlFromIdpMetadataBody(
  env: Env,
  current: SamlSettings,
  body: z.infer<typeof idpMetadataBody>,
  audience: { outboundDetail: boolean },
): Promise<{ saml: SamlSettings; provider: string | undefined }> {
  if ("metadataXml" in body)
    return { saml: samlFromMetadata(env, current, body.metadataXml, "metadataXml"), provider: undefined };
  if ("metadataUrl" in body) {
    const xml = await fetchIdpMetadata(env, body.metadataUrl, audience);
    return {
      saml: { ...samlFromMetadata(env, current, xml, "metadataUrl"), idpMetadataUrl: body.metadataUrl },
      provider: undefined,
    };
  }
  if ("identity_provider_url" in body) {
    refuseOutboundUrls(env, [{ path: "identity_provider_url", url: body.identity_provider_url }]);
    return {
      saml: {
        ...current,
        idpSsoUrl: body.identity_provider_url,
        idpCertificates: normalizeCertificates([body.certificate], "certificate"),
      },
      provider: undefined,
    };
  }
  refuseOutboundUrls(env, [{ path: "idpSsoUrl", url: body.idpSsoUrl }]);
  return {
    saml: {
      ...current,
      idpEntityId: body.idpEntityId,
      idpSsoUrl: body.idpSsoUrl,
      idpCertificates: normalizeCertificates([body.idpCertificate], "idpCertificate"),
    },
    provider: body.provider,
  };
}

/** The setup link acting, whose live state and own connection the object re-checks in the write. */
function setupLinkOf(ctx: { actor: RouteContext["actor"] }): string | undefined {
  return ctx.actor.kind === "setup_link" ? ctx.actor.id : undefined;
}
