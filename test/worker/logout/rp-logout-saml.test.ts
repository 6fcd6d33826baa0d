/**
 * SPEC §9: RP-initiated logout of a SAML login. /oauth/logout ends the local session first,
 * then sends the IdP a LogoutRequest naming the login's NameID and SessionIndex, signed
 * (`signLogoutRequests`) in the binding its metadata names; the IdP's LogoutResponse — signed
 * by the dev IdP with xmlsec1 (HTTP-POST) or over the query (HTTP-Redirect) — finishes it at
 * our SLO endpoint: the final redirect to post_logout_redirect_uri with state, whatever it
 * says; a response we cannot accept is recorded with its reason.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
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
import { send } from "../worker-client";
import { logoutGet, POST_LOGOUT_URI } from "./logout-helpers";

const idp = inject("devIdp");
type Binding = "redirect" | "post";

interface SamlSession {
  s: Seeded;
  email: string;
  sessionIndex: string;
  idToken: string;
  accessToken: string;
  spCertificate: string;
  sloUrl: string;
}

/** A SAML login through the dev IdP to a connection whose IdP has an SLO URL in `binding`. */
async function samlSession(binding: Binding, saml: Record<string, unknown> = {}, slo = true): Promise<SamlSession> {
  const s = await seedSaml({
    saml: slo ? { idpSloUrl: `${idp.url}/slo`, idpSloBinding: binding, signLogoutRequests: true, ...saml } : saml,
  });
  expect((await patch(`clients/${s.clientId}`, { postLogoutRedirectUris: [POST_LOGOUT_URI] })).status).toBe(200);
  const email = `jane@${s.domain}`;
  const started = await startLogin(authorizeUrl(s, { login_hint: email }));
  const signed = await signResponse({ inResponseTo: started.requestId, acsUrl: s.acsUrl, audience: s.entityId, email });
  const acs = await postAcs(
    s.acsUrl,
    { SAMLResponse: signed.samlResponse, RelayState: started.relayState },
    started.cookie,
  );
  expect(acs.status).toBe(302);
  const code = new URL(acs.headers.get("location")!).searchParams.get("code")!;
  const tokens = (await (await exchangeCode(s, code)).json()) as { id_token: string; access_token: string };
  const connection = await get(`organizations/${s.orgId}/connections/${s.connectionId}`);
  return {
    s,
    email,
    sessionIndex: /SessionIndex="([^"]+)"/.exec(signed.xml)![1]!,
    idToken: tokens.id_token,
    accessToken: tokens.access_token,
    spCertificate: connection.body.sp.signingCertificate,
    sloUrl: `${s.entityId}/slo`,
  };
}

/**
 * The LogoutRequest the browser carries to the IdP, its signature checked by the dev IdP with
 * our SP certificate (xmlsec1 for HTTP-POST, over the query's octets for HTTP-Redirect).
 */
async function sentLogoutRequest(session: SamlSession, binding: Binding, reply: Response, signed = true) {
  let carried: { query: string } | { form: string };
  let relayState: string;
  if (binding === "redirect") {
    expect(reply.status).toBe(302);
    const location = reply.headers.get("location")!;
    expect(location.startsWith(`${idp.url}/slo?SAMLRequest=`)).toBe(true);
    const url = new URL(location);
    if (signed) expect(url.searchParams.get("SigAlg")).toBe("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
    carried = { query: url.search.slice(1) };
    relayState = url.searchParams.get("RelayState")!;
  } else {
    expect(reply.status).toBe(200);
    const html = await reply.text();
    expect(html).toContain(`<form id="saml" method="post" action="${idp.url}/slo">`);
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
    carried = { form: field("SAMLRequest") };
    relayState = field("RelayState");
  }
  const response = await fetch(`${idp.url}/slo/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ binding, ...carried, certificatePem: session.spCertificate }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const checked = (await response.json()) as { verified: boolean; xml: string; parameter: string };
  expect({ verified: checked.verified, parameter: checked.parameter }).toEqual({
    verified: signed,
    parameter: "SAMLRequest",
  });
  return { xml: checked.xml, relayState };
}

/** The dev IdP's signed LogoutResponse, handed to our SLO endpoint's SAMLResponse branch. */
async function answer(session: SamlSession, binding: Binding, sent: { xml: string; relayState: string }, extra = {}) {
  const response = await fetch(`${idp.url}/slo/sign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      kind: "response",
      binding,
      destination: session.sloUrl,
      inResponseTo: /ID="([^"]+)"/.exec(sent.xml)![1],
      relayState: sent.relayState,
      ...extra,
    }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const signed = (await response.json()) as { form?: string; query?: string };
  // Through our SLO endpoint, as the browser brings it back: the query (Redirect) or the form (POST).
  const deliver = () =>
    binding === "redirect"
      ? fetchWorker(`${session.sloUrl}?${signed.query}`)
      : fetchWorker(session.sloUrl, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ SAMLResponse: signed.form!, RelayState: sent.relayState }).toString(),
        });
  return { deliver };
}

const userinfo = (token: string) => send("/oauth/userinfo", { headers: { authorization: `Bearer ${token}` } });

async function logoutFailures(orgId: string): Promise<string[]> {
  const events = await get(`organizations/${orgId}/events?type=logout.failed`);
  return (events.body.data as { data: { reason: string } }[]).map((e) => e.data.reason);
}

async function startLogout(session: SamlSession) {
  return logoutGet({ id_token_hint: session.idToken, post_logout_redirect_uri: POST_LOGOUT_URI, state: "bye" });
}

describe.each(["redirect", "post"] as const)("RP-initiated logout of a SAML login, HTTP-%s binding", (binding) => {
  it("ends the session, sends the IdP a signed LogoutRequest for it, and finishes on the IdP's LogoutResponse", async () => {
    const session = await samlSession(binding);
    const reply = await raw(startLogout(session));
    // The local session ended before the user left for the IdP.
    expect((await userinfo(session.accessToken)).status).toBe(401);
    const sent = await sentLogoutRequest(session, binding, reply);
    expect(sent.xml).toContain(`Destination="${idp.url}/slo"`);
    expect(sent.xml).toContain(`<saml:Issuer>${session.s.entityId}</saml:Issuer>`);
    expect(sent.xml).toContain(
      `<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${session.email}</saml:NameID>`,
    );
    expect(sent.xml).toContain(`<samlp:SessionIndex>${session.sessionIndex}</samlp:SessionIndex>`);
    const done = await (await answer(session, binding, sent)).deliver();
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe(`${POST_LOGOUT_URI}?state=bye`);
    expect(await logoutFailures(session.s.orgId)).toEqual([]);
  });

  it("round trip through the dev IdP's SLO endpoint, as a browser follows it", async () => {
    const session = await samlSession(binding);
    const toIdp = await raw(startLogout(session));
    let atIdp: Response;
    if (binding === "redirect") {
      atIdp = await fetch(toIdp.headers.get("location")!, { redirect: "manual" });
    } else {
      const html = await toIdp.text();
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
      atIdp = await fetch(`${idp.url}/slo`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ SAMLRequest: field("SAMLRequest"), RelayState: field("RelayState") }).toString(),
      });
    }
    let back: Response;
    if (binding === "redirect") {
      expect(atIdp.status).toBe(302);
      const location = atIdp.headers.get("location")!;
      expect(location.startsWith(`${session.sloUrl}?SAMLResponse=`)).toBe(true);
      back = await fetchWorker(location);
    } else {
      expect(atIdp.status).toBe(200);
      const html = await atIdp.text();
      expect(html).toContain(`action="${session.sloUrl}"`);
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
      back = await fetchWorker(session.sloUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ SAMLResponse: field("SAMLResponse"), RelayState: field("RelayState") }).toString(),
      });
    }
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe(`${POST_LOGOUT_URI}?state=bye`);
    expect(await logoutFailures(session.s.orgId)).toEqual([]);
  });

  it("a replayed LogoutResponse finds no outstanding request: the signed-out page, recorded as replayed", async () => {
    const session = await samlSession(binding);
    const sent = await sentLogoutRequest(session, binding, await raw(startLogout(session)));
    const response = await answer(session, binding, sent);
    expect((await response.deliver()).status).toBe(302);
    const replay = await response.deliver();
    expect(replay.status).toBe(200);
    expect(await replay.text()).toContain("You are signed out");
    expect(await logoutFailures(session.s.orgId)).toEqual(["replayed"]);
  });

  it("an unsigned response, a wrong InResponseTo, another IdP's key and a failure status are recorded, and the user still returns", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ sign: false }, "unsigned"],
      [{ inResponseTo: "_not-our-request" }, "in_response_to_mismatch"],
      [{ signWith: "rogue" }, "signature_invalid"],
      [{ statusCode: "urn:oasis:names:tc:SAML:2.0:status:Responder" }, "status_not_success"],
      [{ issuer: "https://other-idp.example.com" }, "issuer_mismatch"],
      [{ destination: "https://sso.test/saml/conn_someone_else/slo" }, "destination_mismatch"],
    ];
    for (const [extra, reason] of cases) {
      const session = await samlSession(binding);
      const sent = await sentLogoutRequest(session, binding, await raw(startLogout(session)));
      const done = await (await answer(session, binding, sent, extra)).deliver();
      expect(done.status, reason).toBe(302);
      expect(done.headers.get("location")).toBe(`${POST_LOGOUT_URI}?state=bye`);
      expect(await logoutFailures(session.s.orgId)).toEqual([reason]);
      expect((await userinfo(session.accessToken)).status).toBe(401);
    }
  });
});

describe("RP-initiated logout of a SAML login, other shapes", () => {
  it("an IdP that never answers leaves the local session ended; its late answer finds the request expired", async () => {
    const session = await samlSession("post");
    const sent = await sentLogoutRequest(session, "post", await raw(startLogout(session)));
    expect((await userinfo(session.accessToken)).status).toBe(401);
    // Ten minutes on (LOGOUT_REQUEST_TTL_MS): the outstanding request's expiry has passed.
    await runInDurableObject(env.ORGS.get(env.ORGS.idFromName(session.s.orgId)), (_object, state) => {
      state.storage.sql.exec(
        "UPDATE logout_requests SET expires_at = ? WHERE relay_state = ?",
        Date.now() - 1,
        sent.relayState,
      );
    });
    const late = await (await answer(session, "post", sent)).deliver();
    expect(late.status).toBe(200);
    expect(await late.text()).toContain("You are signed out");
    expect(await logoutFailures(session.s.orgId)).toEqual(["unknown_relay_state"]);
  });

  it("a LogoutResponse whose RelayState names no request of ours ends on the signed-out page, recorded", async () => {
    const session = await samlSession("redirect");
    const sent = await sentLogoutRequest(session, "redirect", await raw(startLogout(session)));
    const forged = await (await answer(session, "redirect", { ...sent, relayState: "not-one-of-ours" })).deliver();
    expect(forged.status).toBe(200);
    expect(await forged.text()).toContain("You are signed out");
    expect(await logoutFailures(session.s.orgId)).toEqual(["unknown_relay_state"]);
    // The outstanding request is untouched: the IdP's real answer still finishes the logout.
    const real = await (await answer(session, "redirect", sent)).deliver();
    expect(real.headers.get("location")).toBe(`${POST_LOGOUT_URI}?state=bye`);
  });

  it("an unsigned LogoutRequest when signLogoutRequests is off; no SLO URL: the logout ends locally", async () => {
    const unsigned = await samlSession("redirect", { signLogoutRequests: false });
    const sent = await sentLogoutRequest(unsigned, "redirect", await raw(startLogout(unsigned)), false);
    expect(sent.xml).toContain(`<samlp:SessionIndex>${unsigned.sessionIndex}</samlp:SessionIndex>`);
    const local = await samlSession("redirect", {}, false);
    const ended = await raw(startLogout(local));
    expect(ended.status).toBe(302);
    expect(ended.headers.get("location")).toBe(`${POST_LOGOUT_URI}?state=bye`);
    expect((await userinfo(local.accessToken)).status).toBe(401);
  });
});

/** The worker's reply as a Response (the helpers parse bodies; the binding checks need the raw one). */
async function raw(reply: Promise<{ status: number; headers: Headers; text: string }>): Promise<Response> {
  const r = await reply;
  return new Response(r.status === 302 ? null : r.text, { status: r.status, headers: r.headers });
}
