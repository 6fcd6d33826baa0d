import { createSign } from "node:crypto";
import { readFile } from "node:fs/promises";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { isoInstant, newId, SignRequestError } from "./sign-response.mjs";
import { NAMEID_FORMAT, NS, escapeXml } from "./xml.mjs";
import { processXml, signStep, verifiesWith } from "./xmlsec.mjs";
import { verifyRedirectSignature } from "./authn-request.mjs";

/**
 * The IdP's side of single logout (SAML core 3.7, bindings 3.4 and 3.5): a LogoutRequest
 * naming a session, or a LogoutResponse answering one, signed by xmlsec1 (HTTP-POST:
 * enveloped signature) or over the query string (HTTP-Redirect, bindings 3.4.4.1).
 */

const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";

/**
 * The body of `POST /slo/sign`.
 * @typedef {object} LogoutSignRequest
 * @property {"request" | "response"} kind
 * @property {"post" | "redirect"} binding
 * @property {string} destination the SP's SLO URL
 * @property {string} [nameId] LogoutRequest: the session's NameID
 * @property {string} [nameIdFormat] default emailAddress
 * @property {string[]} [sessionIndexes] LogoutRequest: SessionIndex values (none: every session of the NameID)
 * @property {string} [inResponseTo] LogoutResponse: the LogoutRequest's ID
 * @property {string} [statusCode] LogoutResponse: default Success
 * @property {string} [relayState]
 * @property {boolean} [sign] default true
 * @property {"idp" | "rogue"} [signWith]
 * @property {string} [issuer] default the IdP's entity ID
 * @property {string} [now] ISO instant (default: the clock)
 * @property {string} [id] the message ID (default: a fresh one)
 */

/**
 * @typedef {object} SignedLogoutMessage
 * @property {string} id
 * @property {string} xml
 * @property {string} [form] HTTP-POST: the base64 value of SAMLRequest/SAMLResponse
 * @property {string} [query] HTTP-Redirect: the whole query string, signed
 * @property {string} parameter "SAMLRequest" or "SAMLResponse"
 */

/**
 * @param {unknown} raw
 * @returns {LogoutSignRequest}
 */
export function parseLogoutSignRequest(raw) {
  if (!raw || typeof raw !== "object") throw new SignRequestError("body must be a JSON object");
  const body = /** @type {LogoutSignRequest} */ (raw);
  if (body.kind !== "request" && body.kind !== "response") throw new SignRequestError("kind: request or response");
  if (body.binding !== "post" && body.binding !== "redirect") throw new SignRequestError("binding: post or redirect");
  if (typeof body.destination !== "string") throw new SignRequestError("destination is required");
  if (body.kind === "request" && typeof body.nameId !== "string") throw new SignRequestError("nameId is required");
  return body;
}

/**
 * @param {{dir: string, entityId: string, key: {keyPath: string, certPath: string}, rogueKey: () => Promise<{keyPath: string, certPath: string}>}} idp
 * @returns {(request: LogoutSignRequest) => Promise<SignedLogoutMessage>}
 */
export function createLogoutSigner(idp) {
  return async (request) => {
    const now = request.now ? new Date(request.now) : new Date();
    const id = request.id ?? newId();
    const xml = logoutXml(request, { id, issuer: request.issuer ?? idp.entityId, now });
    const key = request.signWith === "rogue" ? await idp.rogueKey() : idp.key;
    const parameter = request.kind === "request" ? "SAMLRequest" : "SAMLResponse";
    const sign = request.sign ?? true;
    if (request.binding === "post") {
      const root = request.kind === "request" ? "LogoutRequest" : "LogoutResponse";
      const steps = sign ? [signStep(key, `/*[local-name()='${root}']/*[local-name()='Signature']`)] : [];
      const signed = await processXml(idp.dir, sign ? withSignatureTemplate(xml, id) : xml, steps);
      return { id, xml: signed, parameter, form: Buffer.from(signed, "utf8").toString("base64") };
    }
    let query = `${parameter}=${encodeURIComponent(deflateRawSync(Buffer.from(xml, "utf8")).toString("base64"))}`;
    if (request.relayState !== undefined) query += `&RelayState=${encodeURIComponent(request.relayState)}`;
    if (sign) {
      query += `&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
      const signature = createSign("sha256")
        .update(query)
        .sign(await readFile(key.keyPath, "utf8"));
      query += `&Signature=${encodeURIComponent(signature.toString("base64"))}`;
    }
    return { id, xml, parameter, query };
  };
}

/**
 * @param {LogoutSignRequest} request
 * @param {{id: string, issuer: string, now: Date}} fields
 */
function logoutXml(request, fields) {
  const common =
    `xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${fields.id}" Version="2.0" ` +
    `IssueInstant="${isoInstant(fields.now)}" Destination="${escapeXml(request.destination)}"`;
  const issuer = `<saml:Issuer>${escapeXml(fields.issuer)}</saml:Issuer>`;
  if (request.kind === "response") {
    const inResponseTo = request.inResponseTo ? ` InResponseTo="${escapeXml(request.inResponseTo)}"` : "";
    return (
      `<samlp:LogoutResponse ${common}${inResponseTo}>${issuer}` +
      `<samlp:Status><samlp:StatusCode Value="${escapeXml(request.statusCode ?? SUCCESS)}"/></samlp:Status>` +
      `</samlp:LogoutResponse>`
    );
  }
  const notOnOrAfter = isoInstant(new Date(fields.now.getTime() + 5 * 60_000));
  const indexes = (request.sessionIndexes ?? [])
    .map((index) => `<samlp:SessionIndex>${escapeXml(index)}</samlp:SessionIndex>`)
    .join("");
  return (
    `<samlp:LogoutRequest ${common} NotOnOrAfter="${notOnOrAfter}">${issuer}` +
    `<saml:NameID Format="${escapeXml(request.nameIdFormat ?? NAMEID_FORMAT.email)}">${escapeXml(request.nameId)}</saml:NameID>` +
    `${indexes}</samlp:LogoutRequest>`
  );
}

/** The empty enveloped Signature xmlsec1 fills, right after the Issuer (SAML core 3.2.1). */
function withSignatureTemplate(xml, id) {
  const template =
    `<ds:Signature xmlns:ds="${NS.dsig}"><ds:SignedInfo>` +
    `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
    `<ds:SignatureMethod Algorithm="${RSA_SHA256}"/><ds:Reference URI="#${id}"><ds:Transforms>` +
    `<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
    `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>` +
    `</ds:SignedInfo><ds:SignatureValue/></ds:Signature>`;
  return xml.replace("</saml:Issuer>", `</saml:Issuer>${template}`);
}

/**
 * The body of `POST /slo/verify`: a logout message the SP sent (a LogoutResponse or
 * LogoutRequest), to check with the SP's signing certificate as the IdP would.
 * @typedef {object} LogoutVerifyRequest
 * @property {"post" | "redirect"} binding
 * @property {string} [form] HTTP-POST: the base64 SAMLRequest/SAMLResponse value
 * @property {string} [query] HTTP-Redirect: the query string as sent (no "?")
 * @property {string} certificatePem the SP's signing certificate
 */

/**
 * Checks an SP's logout message independently of edge-sso: xmlsec1 --verify of the
 * enveloped signature (HTTP-POST), or Node's crypto over the query's octets (HTTP-Redirect,
 * bindings 3.4.4.1). Answers whether it verified, and the message XML.
 * @param {string} dir
 * @param {unknown} raw
 * @returns {Promise<{verified: boolean, xml: string, parameter: string}>}
 */
export async function verifyLogoutMessage(dir, raw) {
  const body = /** @type {LogoutVerifyRequest} */ (raw ?? {});
  if (typeof body.certificatePem !== "string") throw new SignRequestError("certificatePem is required");
  if (body.binding === "post") {
    if (typeof body.form !== "string") throw new SignRequestError("form is required");
    const xml = Buffer.from(body.form, "base64").toString("utf8");
    const parameter = /<(?:\w+:)?LogoutResponse[\s>]/.test(xml) ? "SAMLResponse" : "SAMLRequest";
    return { verified: await verifiesWith(dir, xml, body.certificatePem), xml, parameter };
  }
  if (body.binding !== "redirect" || typeof body.query !== "string")
    throw new SignRequestError("binding post with form, or redirect with query");
  const params = new URLSearchParams(body.query);
  const parameter = params.has("SAMLResponse") ? "SAMLResponse" : "SAMLRequest";
  const xml = inflateRawSync(Buffer.from(params.get(parameter) ?? "", "base64")).toString("utf8");
  return { verified: verifyRedirectSignature(body.query, body.certificatePem, parameter), xml, parameter };
}
