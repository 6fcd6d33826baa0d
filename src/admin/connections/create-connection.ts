import type { Env } from "../../env";
import { applyLdapFields, applyOidcFields, applySamlFields } from "../../connections/apply-fields";
import { connectionView } from "../../connections/connection-view";
import {
  DEFAULT_LDAP_SETTINGS,
  DEFAULT_OIDC_SETTINGS,
  defaultSamlSettings,
  type CommonSettings,
  type ConnectionSecrets,
} from "../../connections/settings";
import { seal } from "../../crypto/seal";
import { generateSpKeyPair } from "../../crypto/sp-keys";
import { normalizeDomains } from "../../domains/normalize-domain";
import { ApiError } from "../../http/api-error";
import { json } from "../../http/problem";
import type { RouteContext } from "../../http/route";
import { newConnectionId } from "../../lib/ids";
import { orgOp } from "../../store/stores";
import { actorName } from "../auth";
import { guardAppWideFields, guardConnectionRoute } from "./guard";
import type { CreateConnectionBody } from "./schemas";

/**
 * POST …/connections: a draft with its SP URLs and, for SAML, freshly generated SP
 * signing and encryption key pairs (SPEC §8). Never contacts the IdP.
 */
export async function createConnection(
  ctx: RouteContext<CreateConnectionBody, undefined, { orgId: string }>,
): Promise<Response> {
  await guardConnectionRoute(ctx, true);
  guardAppWideFields(ctx, ctx.body);
  const { env, body, params } = ctx;
  const orgId = params.orgId;
  const foreign = (["saml", "oidc", "ldap"] as const).filter((t) => t !== body.type && body[t] !== undefined);
  if (foreign.length > 0) {
    throw new ApiError(
      400,
      "validation_failed",
      `A ${body.type} connection takes no ${foreign.join("/")} block.`,
      foreign.map((t) => ({ path: t, message: `not allowed for type ${body.type}` })),
    );
  }
  const id = newConnectionId(orgId);
  const typed = await initialSettings(env, id, body);
  const record = await orgOp(
    env,
    orgId,
    "createConnection",
    {
      id,
      ...typed,
      name: body.name ?? `${body.provider ?? "Generic"} ${body.type.toUpperCase()}`,
      provider: body.provider ?? "Generic",
      domains: body.domains === undefined ? [] : await normalizeDomains(body.domains),
    },
    actorName(ctx.actor),
  );
  return json(await connectionView(record, env.PUBLIC_URL), 201);
}

/** The new connection's type, settings and sealed secrets (SAML: freshly generated SP key pairs). */
export async function initialSettings(env: Env, id: string, body: CreateConnectionBody) {
  const common: CommonSettings = {
    allowAnyEmailDomain: body.allowAnyEmailDomain ?? false,
    idpInitiatedClientId: body.idpInitiatedClientId ?? null,
    idpInitiatedRedirectUri: body.idpInitiatedRedirectUri ?? null,
  };
  switch (body.type) {
    case "saml": {
      const [signing, encryption] = await Promise.all([
        generateSpKeyPair({ commonName: `edge-sso ${id} signing` }),
        generateSpKeyPair({ commonName: `edge-sso ${id} encryption` }),
      ]);
      const generated: ConnectionSecrets = {
        spSigningKey: await seal(env, signing.privateKeyPem),
        spEncryptionKey: await seal(env, encryption.privateKeyPem),
      };
      const applied = await applySamlFields(
        env,
        defaultSamlSettings(signing.certificatePem, encryption.certificatePem),
        body.saml ?? {},
      );
      const settings = { ...common, saml: applied.settings };
      return { type: "saml" as const, settings, secrets: { ...generated, ...applied.secrets } };
    }
    case "oidc": {
      const applied = await applyOidcFields(env, DEFAULT_OIDC_SETTINGS, body.oidc ?? {});
      return { type: "oidc" as const, settings: { ...common, oidc: applied.settings }, secrets: applied.secrets };
    }
    case "ldap": {
      const applied = await applyLdapFields(env, DEFAULT_LDAP_SETTINGS, body.ldap ?? {});
      return { type: "ldap" as const, settings: { ...common, ldap: applied.settings }, secrets: applied.secrets };
    }
  }
}
