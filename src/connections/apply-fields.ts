import type { Env } from "../env";
import { seal, unseal } from "../crypto/seal";
import { validateKeyPair } from "../crypto/sp-keys";
import { ApiError, type FieldError } from "../http/api-error";
import { refuseOutboundUrls } from "../http/outbound-url";
import { parseLdapTarget } from "../ldap/ldap-target";
import { definedFields } from "../lib/defined-fields";
import { normalizeCertificate } from "../saml/metadata/normalize-certificate";
import { parseIdpMetadata } from "../saml/metadata/parse-idp-metadata";
import type { LdapFields, OidcFields, SamlFields } from "../admin/connections/schemas";
import type { ConnectionSecrets, LdapSettings, OidcSettings, SamlSettings } from "./settings";

/** Settings and freshly sealed secrets produced by applying request fields. */
export interface Applied<T> {
  settings: T;
  /** Only secrets whose value is new: one sent again unchanged is not sealed again. */
  secrets: ConnectionSecrets;
}

/** Normalizes IdP certificates (any PEM shape, bare or base64-wrapped), 400 naming a bad one. */
export function normalizeCertificates(certificates: string[], path: string): string[] {
  const errors: FieldError[] = [];
  const pems = certificates.flatMap((c, i) => {
    const result = normalizeCertificate(c);
    if (result.ok) return [result.pem];
    errors.push({ path: `${path}.${i}`, message: result.reason });
    return [];
  });
  if (errors.length > 0) throw new ApiError(400, "validation_failed", "An IdP certificate is invalid.", errors);
  return [...new Set(pems)];
}

/**
 * Fills IdP fields from metadata XML (SPEC §2: entity ID, SSO/SLO URLs per binding, signing
 * certs). Every endpoint URL the metadata names passes the outbound URL policy, refused with
 * the message the same URL gets as a field (under `path`, the metadata's own field).
 */
export function samlFromMetadata(
  env: Pick<Env, "ALLOW_INSECURE_LOOPBACK_IDP">,
  current: SamlSettings,
  xml: string,
  path: string,
): SamlSettings {
  const parsed = parseIdpMetadata(xml);
  if (!parsed.ok)
    throw new ApiError(400, "validation_failed", `The IdP metadata is invalid: ${parsed.reason}`, [
      { path, message: parsed.reason },
    ]);
  const m = parsed.value;
  const named = (urls: { redirect?: string; post?: string }) =>
    [urls.redirect, urls.post].map((url) => ({ path, url }));
  refuseOutboundUrls(env, named(m.ssoUrls), "the IdP metadata's SingleSignOnService");
  refuseOutboundUrls(env, named(m.sloUrls), "the IdP metadata's SingleLogoutService");
  refuseOutboundUrls(env, named(m.sloResponseUrls), "the IdP metadata's SingleLogoutService");
  const binding = m.ssoUrls.redirect ? "redirect" : "post";
  return {
    ...current,
    idpEntityId: m.entityId,
    idpSsoUrl: m.ssoUrls[binding] ?? null,
    idpSsoBinding: binding,
    ...sloFromMetadata(current, m.sloUrls, m.sloResponseUrls),
    idpCertificates: normalizeCertificates(m.signingCertificates, path),
    idpMetadataXml: xml,
  };
}

/**
 * The SLO endpoint the metadata names (SPEC §9 `idpSloBinding`): HTTP-Redirect when it
 * offers one, else HTTP-POST, with that endpoint's ResponseLocation when it has one (where
 * our LogoutResponses go); metadata naming none keeps what was configured.
 */
function sloFromMetadata(
  current: SamlSettings,
  urls: { redirect?: string | undefined; post?: string | undefined },
  responseUrls: { redirect?: string | undefined; post?: string | undefined },
): Pick<SamlSettings, "idpSloUrl" | "idpSloBinding" | "idpSloResponseUrl"> {
  const binding = urls.redirect ? "redirect" : urls.post ? "post" : null;
  if (binding === null)
    return {
      idpSloUrl: current.idpSloUrl,
      idpSloBinding: current.idpSloBinding,
      idpSloResponseUrl: current.idpSloResponseUrl,
    };
  return { idpSloUrl: urls[binding]!, idpSloBinding: binding, idpSloResponseUrl: responseUrls[binding] ?? null };
}

export async function applySamlFields(
  env: Env,
  current: SamlSettings,
  fields: SamlFields,
): Promise<Applied<SamlSettings>> {
  const { idpMetadataXml, idpCertificates, spSigningKeyPair, spEncryptionKeyPair, attributeMapping, ...plain } = fields;
  refuseOutboundUrls(env, [
    { path: "saml.idpSsoUrl", url: plain.idpSsoUrl },
    { path: "saml.idpSloUrl", url: plain.idpSloUrl },
    { path: "saml.idpSloResponseUrl", url: plain.idpSloResponseUrl },
    { path: "saml.idpMetadataUrl", url: plain.idpMetadataUrl },
  ]);
  let settings: SamlSettings = { ...current };
  if (idpMetadataXml !== undefined) settings = samlFromMetadata(env, settings, idpMetadataXml, "saml.idpMetadataXml");
  // An SLO URL given as a field is a new endpoint: a ResponseLocation of the old one no longer applies.
  if (plain.idpSloUrl !== undefined && plain.idpSloResponseUrl === undefined && idpMetadataXml === undefined)
    settings.idpSloResponseUrl = null;
  settings = { ...settings, ...definedFields(plain) };
  if (idpCertificates !== undefined)
    settings.idpCertificates = normalizeCertificates(idpCertificates, "saml.idpCertificates");
  if (attributeMapping !== undefined) settings.attributeMapping = { ...current.attributeMapping, ...attributeMapping };
  const secrets: Applied<SamlSettings>["secrets"] = {};
  if (spSigningKeyPair) {
    const pair = await checkedPair(spSigningKeyPair, "saml.spSigningKeyPair");
    settings.spSigningCertificate = pair.certificate;
    secrets.spSigningKey = await seal(env, pair.privateKey);
  }
  if (spEncryptionKeyPair) {
    const pair = await checkedPair(spEncryptionKeyPair, "saml.spEncryptionKeyPair");
    settings.spEncryptionCertificate = pair.certificate;
    secrets.spEncryptionKey = await seal(env, pair.privateKey);
  }
  return { settings, secrets };
}

async function checkedPair(pair: { privateKey: string; certificate: string }, path: string) {
  const cert = normalizeCertificate(pair.certificate);
  if (!cert.ok)
    throw new ApiError(400, "validation_failed", "The SP certificate is invalid.", [
      { path: `${path}.certificate`, message: cert.reason },
    ]);
  const check = await validateKeyPair(pair.privateKey, cert.pem);
  if (!check.ok)
    throw new ApiError(400, "validation_failed", "The SP key pair is invalid.", [{ path, message: check.reason }]);
  return { privateKey: pair.privateKey, certificate: cert.pem };
}

export async function applyOidcFields(
  env: Env,
  current: OidcSettings,
  fields: OidcFields,
  sealed: ConnectionSecrets = {},
): Promise<Applied<OidcSettings>> {
  const { clientSecret, scopes, ...plain } = fields;
  refuseOutboundUrls(
    env,
    (["issuer", "authorizationEndpoint", "tokenEndpoint", "userinfoEndpoint", "jwksUri"] as const).map((field) => ({
      path: `oidc.${field}`,
      url: plain[field],
    })),
  );
  const settings: OidcSettings = { ...current, ...definedFields(plain) };
  if (scopes !== undefined) settings.scopes = normalizeScopes(scopes);
  const secrets: Applied<OidcSettings>["secrets"] = {};
  if (clientSecret !== undefined && !(await isSealedValue(env, sealed.clientSecret, clientSecret)))
    secrets.clientSecret = await seal(env, clientSecret);
  return { settings, secrets };
}

/** Whether a stored sealed secret already holds this value (so sending it again changes nothing). */
async function isSealedValue(env: Env, sealedValue: string | undefined, plaintext: string): Promise<boolean> {
  if (sealedValue === undefined) return false;
  try {
    return (await unseal(env, sealedValue)) === plaintext;
  } catch {
    return false;
  }
}

/** Scopes as one space-separated string that always includes `openid`. */
function normalizeScopes(scopes: string | string[]): string {
  const list = (Array.isArray(scopes) ? scopes : scopes.split(/[\s,]+/)).filter(Boolean);
  return [...new Set(["openid", ...list])].join(" ");
}

export async function applyLdapFields(
  env: Env,
  current: LdapSettings,
  fields: LdapFields,
  sealed: ConnectionSecrets = {},
): Promise<Applied<LdapSettings>> {
  const { bindPassword, attributeMapping, ...plain } = fields;
  const settings: LdapSettings = { ...current, ...definedFields(plain) };
  if (attributeMapping !== undefined) settings.attributeMapping = { ...current.attributeMapping, ...attributeMapping };
  // The same policy for the directory (SPEC §9), on the server and TLS mode as they now stand.
  if ((plain.serverUri !== undefined || plain.startTls !== undefined) && settings.serverUri) {
    const target = parseLdapTarget(env, settings.serverUri, settings.startTls);
    if (!target.ok)
      throw new ApiError(400, "validation_failed", `ldap.serverUri is refused: ${target.detail}`, [
        { path: "ldap.serverUri", message: target.detail },
      ]);
  }
  const secrets: Applied<LdapSettings>["secrets"] = {};
  if (bindPassword !== undefined && !(await isSealedValue(env, sealed.bindPassword, bindPassword)))
    secrets.bindPassword = await seal(env, bindPassword);
  return { settings, secrets };
}
