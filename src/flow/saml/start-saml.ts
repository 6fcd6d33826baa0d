import type { Env } from "../../env";
import { spUrls } from "../../connections/settings";
import { unseal } from "../../crypto/seal";
import { buildAuthnRequest, encodePostBinding, encodeRedirectBinding } from "../../saml/outbound";
import type { PendingLogin } from "../../store/org/login-types";
import type { SamlConnection } from "../../store/org/types";
import type { StartResult } from "../start-login";
import { samlPostForm } from "./post-form";

/** The connection's SP signing key (PKCS#8 PEM), unsealed; src/saml imports it once per isolate. */
export function spSigningKeyPem(env: Env, connection: SamlConnection): Promise<string | null> {
  const sealed = connection.secrets.spSigningKey;
  return sealed ? unseal(env, sealed) : Promise.resolve(null);
}

/**
 * Sends the AuthnRequest by the binding the IdP's metadata allows (SPEC §8): HTTP-Redirect
 * (302, `SigAlg`/`Signature` when `signAuthnRequests`) or HTTP-POST (an auto-submitting
 * form under a strict CSP, the XML enveloped-signed when `signAuthnRequests`).
 */
export async function startSaml(
  env: Env,
  connection: SamlConnection,
  pending: PendingLogin,
  now: number,
): Promise<StartResult> {
  const saml = connection.settings.saml;
  if (!saml.idpSsoUrl)
    return { ok: false, reason: "connection_incomplete", detail: "the connection has no IdP SSO URL" };
  const urls = spUrls(env.PUBLIC_URL, connection.id);
  let xml = buildAuthnRequest({
    id: pending.requestId,
    issuer: urls.entityId,
    acsUrl: saml.acsUrlOverride ?? urls.acsUrl,
    destination: saml.idpSsoUrl,
    nameIdFormat: saml.nameIdFormat === "unspecified" ? undefined : saml.nameIdFormat,
    forceAuthn: saml.forceAuthn,
    issueInstant: new Date(now),
  });
  const keyPem = saml.signAuthnRequests ? await spSigningKeyPem(env, connection) : null;
  if (saml.signAuthnRequests && !keyPem)
    return { ok: false, reason: "connection_incomplete", detail: "the connection has no SP signing key" };
  if (saml.idpSsoBinding === "redirect") {
    const location = await encodeRedirectBinding({
      destination: saml.idpSsoUrl,
      xml,
      relayState: pending.relayState,
      ...(keyPem ? { signingKeyPem: keyPem } : {}),
    });
    return {
      ok: true,
      upstream: null,
      response: new Response(null, { status: 302, headers: { location, "cache-control": "no-store" } }),
    };
  }
  if (keyPem) {
    // The XML signer (xmldom) is loaded by an isolate's first signed AuthnRequest, not at start.
    const { signXml } = await import("../../saml");
    xml = await signXml(xml, { privateKeyPem: keyPem, certificatePem: saml.spSigningCertificate });
  }
  return {
    ok: true,
    upstream: null,
    response: samlPostForm({
      action: saml.idpSsoUrl,
      fields: { SAMLRequest: encodePostBinding(xml).SAMLRequest, RelayState: pending.relayState },
      title: "Signing you in…",
      message: "Taking you to your company's sign-in page.",
      button: "Continue to your identity provider",
    }),
  };
}
