import { applyLdapFields, applyOidcFields, applySamlFields, samlFromMetadata } from "../../connections/apply-fields";
import { connectionView } from "../../connections/connection-view";
import { settingsOf, type ConnectionSettings } from "../../connections/settings";
import { refreshDomainIndex } from "../../domains/domain-index";
import { normalizeDomains } from "../../domains/normalize-domain";
import { ApiError } from "../../http/api-error";
import { json } from "../../http/problem";
import type { RouteContext } from "../../http/route";
import { orgOp } from "../../store/stores";
import { actorName } from "../auth";
import { fetchIdpMetadata } from "./fetch-idp-metadata";
import { guardConnectionRoute, guardEmailDomainOptOut } from "./guard";
import type { UpdateConnectionBody } from "./schemas";
import type * as z from "zod/mini";
import type { idpMetadataBody } from "./schemas";
import { normalizeCertificates } from "../../connections/apply-fields";

/** PATCH …/connections/{connId}: changes settings; never contacts the IdP. */
export async function updateConnection(ctx: RouteContext<UpdateConnectionBody>): Promise<Response> {
  await guardConnectionRoute(ctx, true);
  guardEmailDomainOptOut(ctx, ctx.body.allowAnyEmailDomain);
  const { env, body, params } = ctx;
  const current = await orgOp(env, params.orgId!, "getConnection", { id: params.connId! });
  const block = body[current.type];
  const foreign = (["saml", "oidc", "ldap"] as const).filter((t) => t !== current.type && body[t] !== undefined);
  if (foreign.length > 0) {
    throw new ApiError(
      400,
      "validation_failed",
      `A ${current.type} connection takes no ${foreign.join("/")} block.`,
      foreign.map((t) => ({ path: t, message: `not allowed for type ${current.type}` })),
    );
  }
  const settings: ConnectionSettings = { ...settingsOf(current) };
  const changed: string[] = [];
  let secrets: Record<string, string> = {};
  for (const key of ["allowAnyEmailDomain", "idpInitiatedClientId", "idpInitiatedRedirectUri"] as const) {
    if (body[key] !== undefined) {
      (settings as unknown as Record<string, unknown>)[key] = body[key];
      changed.push(key);
    }
  }
  if (block !== undefined) {
    const applied =
      current.type === "saml"
        ? await applySamlFields(env, settings.saml!, block as never)
        : current.type === "oidc"
          ? await applyOidcFields(env, settings.oidc!, block as never)
          : await applyLdapFields(env, settings.ldap!, block as never);
    (settings as unknown as Record<string, unknown>)[current.type] = applied.settings;
    secrets = applied.secrets as Record<string, string>;
    changed.push(...applied.changed);
  }
  const domains = body.domains === undefined ? undefined : normalizeDomains(body.domains);
  if (body.name !== undefined) changed.push("name");
  if (body.provider !== undefined) changed.push("provider");
  if (domains) changed.push("domains");
  // An empty PATCH changes nothing, so it records no connection.updated or sso_configuration.updated.
  if (changed.length === 0) return json(connectionView(current, env.PUBLIC_URL));
  const record = await orgOp(
    env,
    params.orgId!,
    "updateConnection",
    {
      id: current.id,
      name: body.name,
      provider: body.provider,
      domains,
      changed,
      settings: settings as unknown as Record<string, unknown>,
      secrets,
      expectedUpdatedAt: current.updatedAt,
    },
    actorName(ctx.actor),
  );
  if (domains) await refreshDomainIndex(env, params.orgId!);
  return json(connectionView(record, env.PUBLIC_URL));
}

/**
 * POST …/idp-metadata: exactly one of metadata XML, a metadata URL (fetched now), or the
 * fields of seed 002 (`idpEntityId`, `idpSsoUrl`, `idpCertificate`, `provider`).
 */
export async function setIdpMetadata(ctx: RouteContext<z.infer<typeof idpMetadataBody>>): Promise<Response> {
  await guardConnectionRoute(ctx, true);
  const { env, body, params } = ctx;
  const current = await orgOp(env, params.orgId!, "getConnection", { id: params.connId! });
  if (current.type !== "saml")
    throw new ApiError(400, "validation_failed", "IdP metadata applies to SAML connections.", [
      { path: "", message: "connection is not saml" },
    ]);
  const settings = settingsOf(current);
  let saml = settings.saml!;
  let provider: string | undefined;
  if ("metadataXml" in body) {
    saml = samlFromMetadata(saml, body.metadataXml, "metadataXml");
  } else if ("metadataUrl" in body) {
    const xml = await fetchIdpMetadata(env, body.metadataUrl);
    saml = { ...samlFromMetadata(saml, xml, "metadataUrl"), idpMetadataUrl: body.metadataUrl };
  } else {
    saml = {
      ...saml,
      idpEntityId: body.idpEntityId,
      idpSsoUrl: body.idpSsoUrl,
      idpCertificates: normalizeCertificates([body.idpCertificate], "idpCertificate"),
    };
    provider = body.provider;
  }
  const record = await orgOp(
    env,
    params.orgId!,
    "updateConnection",
    {
      id: current.id,
      provider,
      settings: { ...settings, saml } as unknown as Record<string, unknown>,
      changed: ["saml.idp"],
      expectedUpdatedAt: current.updatedAt,
    },
    actorName(ctx.actor),
  );
  return json(connectionView(record, env.PUBLIC_URL));
}
