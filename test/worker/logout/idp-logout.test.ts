/**
 * IdP-initiated single logout (SPEC §9) at `/saml/{connId}/slo`, in both bindings, end to
 * end: real logins through the ACS, LogoutRequests signed by the dev IdP (xmlsec1 for
 * HTTP-POST, over the query string for HTTP-Redirect), and the signed LogoutResponse we
 * answer, checked by the dev IdP as an IdP would (xmlsec1 --verify, or the query signature).
 */
import { describe, expect, it } from "vitest";
import { generateSpKeyPair } from "../../../src/crypto/sp-keys";
import { orgEvents, patch } from "../admin/helpers";
import { exchangeCode, failureReason, fetchWorker, seedSaml } from "../flow/flow-helpers";
import { send } from "../worker-client";
import {
  accessToken,
  idpLogoutRequest,
  receivedLogoutResponse,
  REQUEST_DENIED,
  REQUESTER,
  seedSlo,
  sendToSlo,
  signIn,
  SUCCESS,
  type Binding,
  verifyAtIdp,
  type SloSeeded,
} from "./slo-helpers";

const userinfo = async (token: string) =>
  (await send("/oauth/userinfo", { headers: { authorization: `Bearer ${token}` } })).status;

/** The LogoutResponse to a LogoutRequest the dev IdP signed with `fields`, sent in `binding`. */
async function logout(s: SloSeeded, binding: Binding, fields: Record<string, unknown>, relayState = "idp-rs-1") {
  const message = await idpLogoutRequest(s, binding, { relayState, ...fields });
  const answer = await receivedLogoutResponse(
    await sendToSlo(s.sloUrl, binding, message, relayState),
    binding,
    s.spSigningCertificate,
  );
  return { message, answer };
}

describe.each(["redirect", "post"] as const)("IdP-initiated logout, HTTP-%s binding", (binding) => {
  it("ends every session of the NameID: access tokens 401, unspent codes invalid_grant; a signed Success", async () => {
    const s = await seedSlo(binding);
    const email = `jane@${s.domain}`;
    const first = await signIn(s, email);
    const token = await accessToken(s, first.code);
    const unspent = await signIn(s, email);
    const bystander = await accessToken(s, (await signIn(s, `bob@${s.domain}`)).code);
    expect(await userinfo(token)).toBe(200);

    const { message, answer } = await logout(s, binding, { nameId: email });
    expect(answer.verified, answer.xml).toBe(true);
    expect(answer).toMatchObject({
      destination: s.idpSloUrl,
      relayState: "idp-rs-1",
      statusCodes: [SUCCESS],
      inResponseTo: message.id,
    });
    expect(answer.xml).toContain(`Destination="${s.idpSloUrl}"`);
    expect(answer.xml).toContain(`<saml:Issuer>${s.entityId}</saml:Issuer>`);
    // The check can fail: the same answer with its status changed does not verify.
    const tampered = { ...answer.checkedBody };
    if (binding === "post") {
      const xml = new TextDecoder().decode(Uint8Array.from(atob(tampered.form!), (c) => c.charCodeAt(0)));
      tampered.form = btoa(xml.replace(":status:Success", ":status:Requester"));
    } else {
      tampered.query = tampered.query!.replace("RelayState=idp-rs-1", "RelayState=idp-rs-2");
    }
    expect((await verifyAtIdp(tampered)).verified).toBe(false);

    expect(await userinfo(token)).toBe(401);
    const redeemed = await exchangeCode(s, unspent.code);
    expect(redeemed.status).toBe(400);
    expect(((await redeemed.json()) as { error: string }).error).toBe("invalid_grant");
    expect(await userinfo(bystander)).toBe(200);
    const loggedOut = await orgEvents(s.orgId, "&type=user.logged_out");
    expect(loggedOut).toHaveLength(2);
    for (const event of loggedOut)
      expect(event.data).toMatchObject({ connectionId: s.connectionId, clientId: s.clientId, initiator: "idp" });
    expect(loggedOut.map((e) => e.data.revokedAccessTokens).sort()).toEqual([0, 1]);
    expect(loggedOut.map((e) => e.data.revokedCodes).sort()).toEqual([0, 1]);
  });

  it("with SessionIndex, ends only the sessions it lists", async () => {
    const s = await seedSlo(binding);
    const email = `ann@${s.domain}`;
    const one = await signIn(s, email);
    const other = await signIn(s, email);
    const [tokenOne, tokenOther] = [await accessToken(s, one.code), await accessToken(s, other.code)];
    const { answer } = await logout(s, binding, { nameId: email, sessionIndexes: [one.sessionIndex] });
    expect(answer.statusCodes).toEqual([SUCCESS]);
    expect(await userinfo(tokenOne)).toBe(401);
    expect(await userinfo(tokenOther)).toBe(200);
  });

  it("a LogoutRequest for an unknown session still gets Success (SAML core 3.7.3.2)", async () => {
    const s = await seedSlo(binding);
    const { answer } = await logout(s, binding, { nameId: `nobody@${s.domain}` });
    expect(answer.verified).toBe(true);
    expect(answer.statusCodes).toEqual([SUCCESS]);
    expect(await orgEvents(s.orgId, "&type=user.logged_out")).toHaveLength(0);
  });

  it("refuses an unsigned LogoutRequest: Requester/RequestDenied, unsigned, and nothing ends", async () => {
    const s = await seedSlo(binding);
    const email = `eve@${s.domain}`;
    const token = await accessToken(s, (await signIn(s, email)).code);
    const { message, answer } = await logout(s, binding, { nameId: email, sign: false });
    expect(answer.verified, "the refusal is signed too").toBe(true);
    expect(answer.statusCodes).toEqual([REQUESTER, REQUEST_DENIED]);
    expect(answer.statusMessage).toMatch(/^unsigned: the LogoutRequest must be signed \(reference ref_[0-9a-z]{16}\)$/);
    expect(answer.inResponseTo).toBe(message.id);
    expect(await userinfo(token)).toBe(200);
    const [refused] = await orgEvents(s.orgId, "&type=logout.refused");
    expect(refused!.data).toMatchObject({ connectionId: s.connectionId, requestId: message.id, reason: "unsigned" });
    expect(answer.statusMessage).toContain(refused!.data.referenceId as string);
  });

  it("refuses a LogoutRequest signed by a key this connection does not trust", async () => {
    const s = await seedSlo(binding);
    const email = `mallory@${s.domain}`;
    const token = await accessToken(s, (await signIn(s, email)).code);
    const { answer } = await logout(s, binding, { nameId: email, signWith: "rogue" });
    expect(answer.statusCodes).toEqual([REQUESTER, REQUEST_DENIED]);
    expect(answer.statusMessage).toMatch(/^signature_invalid: /);
    expect(await userinfo(token)).toBe(200);
  });

  it("refuses a replayed LogoutRequest: the same signed message acts once", async () => {
    const s = await seedSlo(binding);
    const email = `rita@${s.domain}`;
    const message = await idpLogoutRequest(s, binding, { nameId: email, relayState: "rs" });
    const firstAnswer = await receivedLogoutResponse(
      await sendToSlo(s.sloUrl, binding, message, "rs"),
      binding,
      s.spSigningCertificate,
    );
    expect(firstAnswer.statusCodes).toEqual([SUCCESS]);
    // A session opened after the first logout must survive the replay.
    const token = await accessToken(s, (await signIn(s, email)).code);
    const replay = await receivedLogoutResponse(
      await sendToSlo(s.sloUrl, binding, message, "rs"),
      binding,
      s.spSigningCertificate,
    );
    expect(replay.statusCodes).toEqual([REQUESTER, REQUEST_DENIED]);
    expect(replay.statusMessage).toMatch(/^replayed: this LogoutRequest was already processed/);
    expect(replay.inResponseTo).toBe(message.id);
    expect(await userinfo(token)).toBe(200);
    const refused = await orgEvents(s.orgId, "&type=logout.refused");
    expect(refused.map((e) => e.data.reason)).toEqual(["replayed"]);
  });
});

describe("IdP-initiated logout, refusals that need a second party", () => {
  it("refuses a LogoutRequest signed by another connection's IdP", async () => {
    // Connection A's IdP is the dev IdP. Connection B trusts another IdP (its own
    // certificate and entity ID): the dev IdP's request, naming B's IdP as Issuer and B's
    // SLO URL as Destination, does not verify there.
    const a = await seedSlo("redirect");
    const b = await seedSlo("redirect");
    const otherIdp = await generateSpKeyPair({ commonName: "other idp" });
    const reconfigured = await patch(`organizations/${b.orgId}/connections/${b.connectionId}`, {
      saml: { idpEntityId: "https://other-idp.example/entity", idpCertificates: [otherIdp.certificatePem] },
    });
    expect(reconfigured.status, reconfigured.text).toBe(200);
    const email = `jo@${b.domain}`;
    const message = await idpLogoutRequest(b, "redirect", {
      nameId: email,
      issuer: "https://other-idp.example/entity",
    });
    const answer = await receivedLogoutResponse(
      await sendToSlo(b.sloUrl, "redirect", message),
      "redirect",
      b.spSigningCertificate,
    );
    expect(answer.statusCodes).toEqual([REQUESTER, REQUEST_DENIED]);
    expect(answer.statusMessage).toMatch(/^signature_invalid: /);
    expect(answer.destination).toBe(b.idpSloUrl);
    // And A's own request presented at B (A's Issuer) is refused for its Issuer.
    const fromA = await idpLogoutRequest(b, "redirect", { nameId: email });
    const answerA = await receivedLogoutResponse(
      await sendToSlo(b.sloUrl, "redirect", fromA),
      "redirect",
      b.spSigningCertificate,
    );
    expect(answerA.statusMessage).toMatch(/^signature_invalid: /);
    expect(a.connectionId).not.toBe(b.connectionId);
  });

  it("answers at the SLO endpoint's ResponseLocation when one is stored", async () => {
    const s = await seedSlo("post");
    const responseUrl = `${s.idpSloUrl}/done`;
    const updated = await patch(`organizations/${s.orgId}/connections/${s.connectionId}`, {
      saml: { idpSloResponseUrl: responseUrl },
    });
    expect(updated.status, updated.text).toBe(200);
    const message = await idpLogoutRequest(s, "post", { nameId: `ro@${s.domain}` });
    const answer = await receivedLogoutResponse(
      await sendToSlo(s.sloUrl, "post", message),
      "post",
      s.spSigningCertificate,
    );
    expect(answer.verified).toBe(true);
    expect(answer.destination).toBe(responseUrl);
    expect(answer.xml).toContain(`Destination="${responseUrl}"`);
  });

  it("a tampered RelayState breaks the Redirect binding's query signature", async () => {
    const s = await seedSlo("redirect");
    const message = await idpLogoutRequest(s, "redirect", { nameId: `x@${s.domain}`, relayState: "rs-1" });
    const tampered = { query: message.query!.replace("RelayState=rs-1", "RelayState=rs-2") };
    const answer = await receivedLogoutResponse(
      await sendToSlo(s.sloUrl, "redirect", tampered),
      "redirect",
      s.spSigningCertificate,
    );
    expect(answer.statusMessage).toMatch(/^signature_invalid: /);
    expect(answer.relayState).toBe("rs-2");
  });

  it("what cannot be tied to an IdP gets the error page with a reference id, never a 404 or 500", async () => {
    const s = await seedSlo("post");
    const unknown = s.sloUrl.replace(s.connectionId, `${s.connectionId.slice(0, -4)}zzzz`);
    const message = await idpLogoutRequest(s, "redirect", { nameId: `x@${s.domain}` });
    const cases: Array<[Response, string | null, string]> = [
      [await fetchWorker(`${unknown}?${message.query}`), s.orgId, "unknown_connection"],
      [await fetchWorker(`${s.sloUrl}?SAMLRequest=${encodeURIComponent(btoa("not deflate"))}`), s.orgId, "bad_request"],
      [await fetchWorker(`${s.sloUrl}`), s.orgId, "bad_request"],
      [await fetchWorker("https://sso.test/saml/conn_nope/slo?SAMLRequest=x"), null, "unknown_connection"],
    ];
    for (const [response, orgId, reason] of cases) {
      const html = await response.text();
      expect(response.status, html).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await failureReason(orgId, html)).toBe(reason);
    }
  });

  it("an IdP without an SLO URL can't be answered: the error page, and nothing ends", async () => {
    const seeded = await seedSaml();
    const s = { ...seeded, sloUrl: seeded.acsUrl.replace(/\/acs$/, "/slo") } as SloSeeded;
    const email = `nia@${s.domain}`;
    const token = await accessToken(s, (await signIn(s, email)).code);
    const message = await idpLogoutRequest(s, "redirect", { nameId: email });
    const response = await sendToSlo(s.sloUrl, "redirect", message);
    const html = await response.text();
    expect(response.status, html).toBe(400);
    expect(await failureReason(s.orgId, html)).toBe("connection_incomplete");
    expect(await userinfo(token)).toBe(200);
  });
});
