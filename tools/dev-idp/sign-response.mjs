import { createHash, randomBytes } from "node:crypto";
import { NAMEID_FORMAT } from "./xml.mjs";
import { STATUS_SUCCESS, responseXml } from "./response-xml.mjs";
import { ASSERTION_SIGNATURE, CIPHERS, RESPONSE_SIGNATURE, encryptStep, processXml, signStep } from "./xmlsec.mjs";

/**
 * @typedef {object} DevIdpUser
 * @property {string} email
 * @property {string} [firstName]
 * @property {string} [lastName]
 * @property {string[]} [groups]
 * @property {string} [nameId] NameID value for the persistent/unspecified formats (default: the email)
 */

/**
 * What to put in one Response: the body of `POST /sign`, and what the login flow passes.
 * @typedef {object} SignRequest
 * @property {string} acsUrl
 * @property {string} audience the SP entity ID
 * @property {string} email
 * @property {string | null} [inResponseTo] the AuthnRequest ID; omit or null for IdP-initiated
 * @property {string} [nameId]
 * @property {string} [nameIdFormat]
 * @property {Record<string, string[] | null>} [attributes] merged over the user's; null removes one
 * @property {"assertion" | "response" | "both" | "none"} [sign]
 * @property {string} [now] ISO instant the defaults are computed from (default: the clock)
 * @property {string} [issueInstant]
 * @property {string} [notBefore]
 * @property {string} [notOnOrAfter]
 * @property {string | null} [destination] default acsUrl; null omits it
 * @property {string} [recipient] default acsUrl
 * @property {string} [issuer] default the IdP's entity ID
 * @property {string | null} [sessionNotOnOrAfter]
 * @property {string} [encryptFor] the SP's encryption certificate (PEM): encrypt the Assertion
 * @property {keyof typeof CIPHERS} [encryption] content cipher (default aes256-cbc)
 * @property {string} [statusCode] default Success; another status carries no Assertion
 * @property {string} [statusMessage]
 * @property {"idp" | "rogue"} [signWith] "rogue": a second key the IdP's metadata does not name
 */

/**
 * @typedef {object} SignedResponse
 * @property {string} samlResponse base64 of `xml`, as the HTTP-POST binding carries it
 * @property {string} assertionId
 * @property {string} responseId
 * @property {string} xml
 */

export class SignRequestError extends Error {}

const SIGN_MODES = ["assertion", "response", "both", "none"];

/** @param {Date} date */
export const isoInstant = (date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/** A fresh SAML ID: an NCName (SAML core 1.3.4), 160 random bits. */
export const newId = () => `_${randomBytes(20).toString("hex")}`;

/**
 * @param {Record<string, unknown>} body
 * @param {string} name
 * @param {boolean} required
 * @returns {string | undefined}
 */
function stringField(body, name, required) {
  const value = body[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string" || value === "") throw new SignRequestError(`${name} must be a non-empty string`);
  return value;
}

/**
 * @param {unknown} raw
 * @returns {SignRequest}
 */
export function parseSignRequest(raw) {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new SignRequestError("body must be a JSON object");
  const body = /** @type {Record<string, unknown>} */ (raw);
  for (const name of ["acsUrl", "audience", "email"]) stringField(body, name, true);
  for (const name of [
    "nameId",
    "nameIdFormat",
    "now",
    "issueInstant",
    "notBefore",
    "notOnOrAfter",
    "recipient",
    "issuer",
    "encryptFor",
    "statusCode",
    "statusMessage",
  ]) {
    stringField(body, name, false);
  }
  for (const name of ["inResponseTo", "destination", "sessionNotOnOrAfter"]) {
    if (body[name] !== null) stringField(body, name, false);
  }
  if (body.sign !== undefined && !SIGN_MODES.includes(/** @type {string} */ (body.sign))) {
    throw new SignRequestError(`sign must be one of ${SIGN_MODES.join(", ")}`);
  }
  if (body.encryption !== undefined && !Object.hasOwn(CIPHERS, /** @type {string} */ (body.encryption))) {
    throw new SignRequestError(`encryption must be one of ${Object.keys(CIPHERS).join(", ")}`);
  }
  if (body.signWith !== undefined && body.signWith !== "idp" && body.signWith !== "rogue") {
    throw new SignRequestError("signWith must be idp or rogue");
  }
  const attributes = body.attributes;
  if (attributes !== undefined) {
    const ok =
      typeof attributes === "object" &&
      attributes !== null &&
      !Array.isArray(attributes) &&
      Object.values(attributes).every((v) => v === null || (Array.isArray(v) && v.every((s) => typeof s === "string")));
    if (!ok) throw new SignRequestError("attributes must map names to arrays of strings (or null to remove one)");
  }
  return /** @type {SignRequest} */ (/** @type {unknown} */ (body));
}

/**
 * The NameID value for a format: the email for emailAddress/unspecified, a stable opaque
 * value per (user, SP) for persistent (SAML core 8.3.7), a fresh one for transient.
 * @param {string} format
 * @param {string} email
 * @param {string} audience
 * @param {DevIdpUser | undefined} user
 */
function nameIdFor(format, email, audience, user) {
  if (format === NAMEID_FORMAT.transient) return newId();
  if (format === NAMEID_FORMAT.persistent) {
    return (
      user?.nameId ??
      `p_${createHash("sha256").update(`${email.toLowerCase()}\n${audience}`).digest("hex").slice(0, 32)}`
    );
  }
  return format === NAMEID_FORMAT.email ? email : (user?.nameId ?? email);
}

/**
 * @param {string} email
 * @param {DevIdpUser | undefined} user
 * @param {Record<string, string[] | null> | undefined} overrides
 * @returns {Record<string, string[]>}
 */
function attributesFor(email, user, overrides) {
  /** @type {Record<string, string[] | null>} */
  const attributes = { email: [email] };
  if (user?.firstName) attributes.firstName = [user.firstName];
  if (user?.lastName) attributes.lastName = [user.lastName];
  if (user?.groups) attributes.groups = [...user.groups];
  Object.assign(attributes, overrides ?? {});
  return /** @type {Record<string, string[]>} */ (
    Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== null))
  );
}

/**
 * Make signed Responses with the IdP's key through xmlsec1.
 * @param {object} idp
 * @param {string} idp.dir scratch directory
 * @param {string} idp.entityId
 * @param {DevIdpUser[]} idp.users
 * @param {{keyPath: string, certPath: string}} idp.key
 * @param {() => Promise<{keyPath: string, certPath: string}>} idp.rogueKey
 * @returns {(request: SignRequest) => Promise<SignedResponse>}
 */
export function createResponseSigner(idp) {
  return async (request) => {
    const now = request.now ? new Date(request.now) : new Date();
    if (Number.isNaN(now.getTime())) throw new SignRequestError("now must be an ISO-8601 instant");
    const at = (/** @type {number} */ seconds) => isoInstant(new Date(now.getTime() + seconds * 1000));
    const user = idp.users.find((u) => u.email.toLowerCase() === request.email.toLowerCase());
    const nameIdFormat = request.nameIdFormat ?? NAMEID_FORMAT.email;
    const sign = request.sign ?? "assertion";
    const fields = {
      responseId: newId(),
      assertionId: newId(),
      issueInstant: request.issueInstant ?? at(0),
      inResponseTo: request.inResponseTo ?? null,
      destination: request.destination === undefined ? request.acsUrl : request.destination,
      issuer: request.issuer ?? idp.entityId,
      statusCode: request.statusCode ?? STATUS_SUCCESS,
      statusMessage: request.statusMessage ?? null,
      nameId: request.nameId ?? nameIdFor(nameIdFormat, request.email, request.audience, user),
      nameIdFormat,
      recipient: request.recipient ?? request.acsUrl,
      notBefore: request.notBefore ?? at(-60),
      notOnOrAfter: request.notOnOrAfter ?? at(300),
      audience: request.audience,
      sessionIndex: newId(),
      sessionNotOnOrAfter: request.sessionNotOnOrAfter === undefined ? at(8 * 3600) : request.sessionNotOnOrAfter,
      attributes: attributesFor(request.email, user, request.attributes),
      signAssertion: sign === "assertion" || sign === "both",
      signResponse: sign === "response" || sign === "both",
      encryptAssertion: Boolean(request.encryptFor),
    };
    const key = request.signWith === "rogue" ? await idp.rogueKey() : idp.key;
    const success = fields.statusCode === STATUS_SUCCESS;
    /** @type {Array<(file: string) => Promise<void>>} */
    const steps = [];
    // Assertion first: the Response signature's digest then covers the signed Assertion.
    if (fields.signAssertion && success) steps.push(signStep(key, ASSERTION_SIGNATURE));
    if (request.encryptFor && success) steps.push(encryptStep(request.encryptFor, request.encryption ?? "aes256-cbc"));
    if (fields.signResponse) steps.push(signStep(key, RESPONSE_SIGNATURE));
    const xml = await processXml(idp.dir, responseXml(fields), steps);
    return {
      samlResponse: Buffer.from(xml, "utf8").toString("base64"),
      assertionId: fields.assertionId,
      responseId: fields.responseId,
      xml,
    };
  };
}
