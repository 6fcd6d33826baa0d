import { samlFromIdpMetadataBody, updateConnection } from "../admin/connections/update-connection";
import { updateConnectionBody } from "../admin/connections/schemas";
import { httpsOrLoopbackUrl } from "../admin/schemas";
import type { SamlSettings } from "../connections/settings";
import type { Env } from "../env";
import { ApiError } from "../http/api-error";
import type { RouteContext } from "../http/route";
import { validate } from "../http/validate";
import { actorName } from "../admin/auth";
import type { ConnectionRecord, SamlConnection } from "../store/org/types";
import { orgOp } from "../store/stores";
import {
  certificateDateProblem,
  metadataUrlProblem,
  plainFormErrors,
  plainWords,
  type FormErrors,
} from "./plain-errors";
import { formText, type PortalSession } from "./portal-session";

export type SaveResult = { ok: true } | { ok: false; errors: FormErrors };

/**
 * Saves the IdP side the admin gave in the portal (SPEC §9): SAML from a metadata URL,
 * pasted or uploaded XML, or fields; OIDC issuer and client; LDAP server. The same parsing
 * and access rules as the admin API (the link acts as an org-scoped key on its one
 * connection, re-checked in the write), plus the portal's own check that a signing
 * certificate is in date. Every refusal comes back as plain words under its form field.
 */
export async function saveIdpSide(ctx: RouteContext, session: PortalSession, form: FormData): Promise<SaveResult> {
  const connection = session.connection!;
  try {
    if (connection.type === "saml") return await saveSaml(ctx.env, session, connection, form);
    await updateConnection({
      ...ctx,
      actor: session.actor,
      params: { orgId: session.organization.id, connId: connection.id },
      query: undefined,
      body: validate(updateConnectionBody, protocolBody(connection, form)),
    });
    return { ok: true };
  } catch (error) {
    if (error instanceof ApiError && error.status === 400 && error.errors)
      return { ok: false, errors: plainFormErrors(error.errors, (path) => path.split(".").pop() ?? path) };
    throw error;
  }
}

/** The OIDC or LDAP block from the form; an empty secret field keeps the saved secret. */
function protocolBody(connection: ConnectionRecord, form: FormData): Record<string, unknown> {
  const given = (names: string[]) =>
    Object.fromEntries(names.map((n) => [n, formText(form, n)]).filter(([, v]) => v !== ""));
  if (connection.type === "oidc") return { oidc: given(["issuer", "clientId", "clientSecret"]) };
  return {
    ldap: {
      ...given(["serverUri", "bindDn", "bindPassword", "baseDn", "searchFilter"]),
      startTls: form.get("startTls") === "on",
    },
  };
}

async function saveSaml(
  env: Env,
  session: PortalSession,
  connection: SamlConnection,
  form: FormData,
): Promise<SaveResult> {
  const method = formText(form, "method");
  const body = await samlBody(method, form);
  if ("errors" in body) return { ok: false, errors: body.errors };
  let saml: SamlSettings;
  try {
    saml = (await samlFromIdpMetadataBody(env, connection.settings.saml, body.body, { outboundDetail: false })).saml;
  } catch (error) {
    if (!(error instanceof ApiError) || !error.errors) throw error;
    const field = body.field;
    const first = error.errors[0]!;
    const words =
      field === "metadataUrl" ? metadataUrlProblem(body.url, first.message) : plainWords(field, first.message);
    return { ok: false, errors: { [field]: words } };
  }
  const dated = await certificateDates(saml.idpCertificates, Date.now());
  if (dated) return { ok: false, errors: { [body.field]: dated } };
  await orgOp(
    env,
    session.organization.id,
    "updateConnection",
    {
      id: connection.id,
      settings: { ...connection.settings, saml },
      expectedUpdatedAt: connection.updatedAt,
      setupLinkId: session.link.id,
    },
    actorName(session.actor),
  );
  return { ok: true };
}

type SamlBody =
  { body: Parameters<typeof samlFromIdpMetadataBody>[2]; field: string; url: string } | { errors: FormErrors };

/** The `idp-metadata` body a SAML form gives, or the fields it lacks. */
async function samlBody(method: string, form: FormData): Promise<SamlBody> {
  switch (method) {
    case "url": {
      const url = formText(form, "metadataUrl");
      if (!url) return { errors: { metadataUrl: "Enter the metadata URL." } };
      const checked = httpsOrLoopbackUrl.safeParse(url);
      if (!checked.success) return { errors: { metadataUrl: "This must be an address starting with https://." } };
      return { body: { metadataUrl: url }, field: "metadataUrl", url };
    }
    case "xml": {
      const file = form.get("metadataFile");
      const uploaded = file instanceof File && file.size > 0 ? await file.text() : "";
      const xml = uploaded || formText(form, "metadataXml");
      if (!xml) return { errors: { metadataXml: "Paste the metadata XML or choose the file." } };
      return { body: { metadataXml: xml }, field: "metadataXml", url: "" };
    }
    case "fields": {
      const idpSsoUrl = formText(form, "idpSsoUrl");
      const certificate = formText(form, "idpCertificate");
      const idpEntityId = formText(form, "idpEntityId");
      const errors: FormErrors = {};
      if (!idpSsoUrl) errors.idpSsoUrl = "Enter your identity provider's sign-in (SSO) URL.";
      else if (!httpsOrLoopbackUrl.safeParse(idpSsoUrl).success)
        errors.idpSsoUrl = "This must be an address starting with https://.";
      if (!certificate) errors.idpCertificate = "Paste the signing certificate.";
      if (Object.keys(errors).length > 0) return { errors };
      // Without an entity ID, seed 000's shape: the test sign-in offers the verified Issuer.
      return idpEntityId
        ? { body: { idpEntityId, idpSsoUrl, idpCertificate: certificate }, field: "idpCertificate", url: "" }
        : { body: { identity_provider_url: idpSsoUrl, certificate }, field: "idpCertificate", url: "" };
    }
    default:
      return { errors: { method: "Choose how to give your identity provider's details." } };
  }
}

/**
 * Plain words when no signing certificate is in date (SPEC §9 "expired certificate with its
 * date"): an IdP mid-rotation may list an old one beside the current one, which is fine.
 */
async function certificateDates(pems: string[], now: number): Promise<string | null> {
  if (pems.length === 0) return null;
  const { x509 } = await import("../crypto/x509");
  const certificates = pems.map((pem) => new x509.X509Certificate(pem));
  if (certificates.some((c) => c.notBefore.getTime() <= now && c.notAfter.getTime() > now)) return null;
  const first = certificates[0]!;
  return first.notAfter.getTime() <= now
    ? certificateDateProblem("expired", first.notAfter, first.subject)
    : certificateDateProblem("not_yet_valid", first.notBefore, first.subject);
}
