/**
 * Helpers of the single-logout tests: a SAML connection to the dev IdP (tools/dev-idp, on
 * loopback) whose SLO URL is the dev IdP's, real logins through the ACS (so sessions carry
 * the NameID and SessionIndex the IdP sent), LogoutRequests signed by the dev IdP (xmlsec1
 * for POST, its own RSA signature over the query for Redirect), and the LogoutResponse we
 * answer, checked by the dev IdP as an IdP would (`POST /slo/verify`).
 */
import { expect, inject } from "vitest";
import { get, patch } from "../admin/helpers";
import {
  authorizeUrl,
  exchangeCode,
  fetchWorker,
  postAcs,
  seedSaml,
  signResponse,
  startLogin,
  type Seeded,
} from "../flow/flow-helpers";

export type Binding = "post" | "redirect";

export interface SloSeeded extends Seeded {
  /** Our SLO URL for the connection. */
  sloUrl: string;
  /** Where our LogoutResponses go: the dev IdP's (unused) SLO path. */
  idpSloUrl: string;
  spSigningCertificate: string;
}

/** A seeded SAML connection whose IdP answers logout at `{devIdp}/slo` in `binding`. */
export async function seedSlo(binding: Binding, options: Parameters<typeof seedSaml>[0] = {}): Promise<SloSeeded> {
  const s = await seedSaml(options);
  const idpSloUrl = `${inject("devIdp").url}/slo`;
  const updated = await patch(`organizations/${s.orgId}/connections/${s.connectionId}`, {
    saml: { idpSloUrl, idpSloBinding: binding },
  });
  expect(updated.status, updated.text).toBe(200);
  const connection = await get(`organizations/${s.orgId}/connections/${s.connectionId}`);
  return {
    ...s,
    sloUrl: s.acsUrl.replace(/\/acs$/, "/slo"),
    idpSloUrl,
    spSigningCertificate: connection.body.sp.signingCertificate as string,
  };
}

export interface SignedIn {
  code: string;
  nameId: string;
  sessionIndex: string;
}

/** A login through /oauth/authorize, the dev IdP's xmlsec1-signed response and the ACS: its code and session names. */
export async function signIn(s: Seeded, email: string): Promise<SignedIn> {
  const started = await startLogin(authorizeUrl(s, { login_hint: email, state: "st" }));
  const signed = await signResponse({ inResponseTo: started.requestId, acsUrl: s.acsUrl, audience: s.entityId, email });
  const acs = await postAcs(
    s.acsUrl,
    { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
    started.cookie,
  );
  expect(acs.status, await acs.clone().text()).toBe(302);
  const code = new URL(acs.headers.get("location")!).searchParams.get("code")!;
  return { code, nameId: email, sessionIndex: /SessionIndex="([^"]+)"/.exec(signed.xml)![1]! };
}

/** Redeems a code: the access token. */
export async function accessToken(s: Seeded, code: string): Promise<string> {
  const response = await exchangeCode(s, code);
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A logout message of the dev IdP (POST /slo/sign). */
export interface IdpLogoutMessage {
  id: string;
  xml: string;
  form?: string;
  query?: string;
}

/** The dev IdP signs a LogoutRequest to our SLO URL (fields as POST /slo/sign takes them). */
export async function idpLogoutRequest(
  s: SloSeeded,
  binding: Binding,
  fields: Record<string, unknown>,
): Promise<IdpLogoutMessage> {
  const response = await fetch(`${inject("devIdp").url}/slo/sign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind: "request", binding, destination: s.sloUrl, ...fields }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as IdpLogoutMessage;
}

/** Sends the IdP's LogoutRequest to our SLO URL, as its browser would: GET with the query, or the form POSTed. */
export function sendToSlo(
  sloUrl: string,
  binding: Binding,
  message: Pick<IdpLogoutMessage, "form" | "query">,
  relayState?: string,
): Promise<Response> {
  if (binding === "redirect") return fetchWorker(`${sloUrl}?${message.query}`);
  const form = new URLSearchParams({ SAMLRequest: message.form! });
  if (relayState !== undefined) form.set("RelayState", relayState);
  return fetchWorker(sloUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
}

/** The LogoutResponse we answered, as the IdP receives it, checked by the dev IdP with our SP certificate. */
export interface ReceivedLogoutResponse {
  /** Where it was sent. */
  destination: string;
  relayState: string | null;
  xml: string;
  verified: boolean;
  /** What the dev IdP was asked to verify (a test tampers with it to see the check fail). */
  checkedBody: Record<string, string>;
  statusCodes: string[];
  statusMessage: string | null;
  inResponseTo: string | null;
}

const unescapeHtml = (v: string) =>
  v
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** Reads our answer in the binding the IdP's SLO URL takes: a 302 (Redirect) or an auto-posting page (POST). */
export async function receivedLogoutResponse(
  response: Response,
  binding: Binding,
  spSigningCertificate: string,
): Promise<ReceivedLogoutResponse> {
  let destination: string;
  let relayState: string | null;
  let body: Record<string, string>;
  if (binding === "redirect") {
    expect(response.status, await response.clone().text()).toBe(302);
    const location = new URL(response.headers.get("location")!);
    destination = `${location.origin}${location.pathname}`;
    relayState = location.searchParams.get("RelayState");
    body = { binding, query: location.search.slice(1), certificatePem: spSigningCertificate };
  } else {
    const html = await response.text();
    expect(response.status, html).toBe(200);
    destination = unescapeHtml(/<form id="saml" method="post" action="([^"]*)"/.exec(html)![1]!);
    const field = (name: string) => {
      const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
      return match ? unescapeHtml(match[1]!) : null;
    };
    relayState = field("RelayState");
    body = { binding, form: field("SAMLResponse")!, certificatePem: spSigningCertificate };
  }
  const { verified, xml, parameter } = await verifyAtIdp(body);
  expect(parameter).toBe("SAMLResponse");
  return {
    destination,
    relayState,
    xml,
    verified,
    checkedBody: body,
    statusCodes: [...xml.matchAll(/<samlp:StatusCode Value="([^"]+)"/g)].map((m) => m[1]!),
    statusMessage: /<samlp:StatusMessage>([^<]*)<\/samlp:StatusMessage>/.exec(xml)?.[1] ?? null,
    inResponseTo: /InResponseTo="([^"]+)"/.exec(xml)?.[1] ?? null,
  };
}

export const SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";
export const REQUESTER = "urn:oasis:names:tc:SAML:2.0:status:Requester";
export const REQUEST_DENIED = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied";

/** The dev IdP checks an SP logout message with the SP's certificate (POST /slo/verify). */
export async function verifyAtIdp(
  body: Record<string, string>,
): Promise<{ verified: boolean; xml: string; parameter: string }> {
  const checked = await fetch(`${inject("devIdp").url}/slo/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(checked.status, await checked.clone().text()).toBe(200);
  return (await checked.json()) as { verified: boolean; xml: string; parameter: string };
}
