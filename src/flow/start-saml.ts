import type { Env } from "../env";
import { nameIdFormatUrn } from "../admin/connections/sp-metadata";
import { settingsOf, spUrls } from "../connections/settings";
import { unseal } from "../crypto/seal";
import { buildAuthnRequest, encodePostBinding, encodeRedirectBinding, importSigningKey, signAuthnRequestXml } from "../saml/authn-request";
import type { PendingLogin } from "../store/org/login-types";
import type { ConnectionRecord } from "../store/org/types";
import { escapeHtml, htmlPage } from "./html";
import type { StartResult } from "./start-login";

const signingKeys = new Map<string, Promise<CryptoKey>>();

/** The connection's SP signing key, unsealed and imported once per isolate. */
function spSigningKey(env: Env, connection: ConnectionRecord): Promise<CryptoKey> {
  const sealed = connection.secrets.spSigningKey!;
  let key = signingKeys.get(sealed);
  if (!key) {
    key = unseal(env, sealed).then(importSigningKey);
    key.catch(() => signingKeys.delete(sealed));
    signingKeys.set(sealed, key);
  }
  return key;
}

/**
 * Sends the AuthnRequest by the binding the IdP's metadata allows (SPEC §8): HTTP-Redirect
 * (302, `SigAlg`/`Signature` when `signAuthnRequests`) or HTTP-POST (an auto-submitting
 * form under a strict CSP, the XML enveloped-signed when `signAuthnRequests`).
 */
export async function startSaml(env: Env, connection: ConnectionRecord, pending: PendingLogin, now: number): Promise<StartResult> {
  const saml = settingsOf(connection).saml!;
  if (!saml.idpSsoUrl) return { ok: false, reason: "connection_incomplete", detail: "the connection has no IdP SSO URL" };
  const urls = spUrls(env.PUBLIC_URL, connection.id);
  let xml = buildAuthnRequest({
    id: pending.requestId, issuer: urls.entityId, acsUrl: saml.acsUrlOverride ?? urls.acsUrl, destination: saml.idpSsoUrl,
    nameIdFormat: saml.nameIdFormat === "unspecified" ? undefined : nameIdFormatUrn(saml.nameIdFormat),
    forceAuthn: saml.forceAuthn, issueInstant: new Date(now),
  });
  const key = saml.signAuthnRequests ? await spSigningKey(env, connection) : undefined;
  if (saml.idpSsoBinding === "redirect") {
    const location = await encodeRedirectBinding({ destination: saml.idpSsoUrl, xml, relayState: pending.relayState, signingKey: key });
    return { ok: true, upstream: null, response: new Response(null, { status: 302, headers: { location, "cache-control": "no-store" } }) };
  }
  if (key) xml = await signAuthnRequestXml(xml, pending.requestId, urls.entityId, key);
  return { ok: true, upstream: null, response: postForm(saml.idpSsoUrl, encodePostBinding(xml), pending.relayState) };
}

/** The HTTP-POST binding's page: a form that submits itself (and a button without JS). */
function postForm(action: string, samlRequest: string, relayState: string): Response {
  const nonce = crypto.randomUUID().replace(/-/g, "");
  return htmlPage({
    title: "Signing you in…",
    scriptNonce: nonce,
    formAction: action,
    body: `<h1>Signing you in…</h1><form id="saml" method="post" action="${escapeHtml(action)}">` +
      `<input type="hidden" name="SAMLRequest" value="${escapeHtml(samlRequest)}">` +
      `<input type="hidden" name="RelayState" value="${escapeHtml(relayState)}">` +
      `<noscript><button type="submit">Continue to your identity provider</button></noscript></form>` +
      `<script nonce="${nonce}">document.getElementById("saml").submit()</script>`,
  });
}
