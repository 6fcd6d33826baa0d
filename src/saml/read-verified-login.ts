import type { Element } from "@xmldom/xmldom";
import { checkBearerConfirmation, checkConditions, type ConditionContext } from "./check-conditions";
import { checkInResponseTo } from "./check-in-response-to";
import { attr, optionalChild, strictText } from "./dom";
import { NS } from "./namespaces";
import { readAttributes, readAuthnStatement, readSubjectName } from "./read-subject";
import { fail } from "./saml-error";
import type { SamlVerificationPolicy } from "./verify-saml-response";

/** A verified login: every value read from the verified elements of the one DOM. */
export interface SamlLogin {
  /** Response@ID. */
  responseId: string;
  /** Assertion@ID: the replay-cache key. */
  assertionId: string;
  /** The assertion's Issuer (= the connection's `idpEntityId`). */
  issuer: string;
  nameId: string;
  nameIdFormat: string | null;
  /** The NameID's NameQualifier and SPNameQualifier: a LogoutRequest repeats them (SAML core 3.7.1). */
  nameQualifier: string | null;
  spNameQualifier: string | null;
  /** The NameID arrived as an EncryptedID. */
  nameIdEncrypted: boolean;
  sessionIndex: string | null;
  /** The AuthnStatement's SessionNotOnOrAfter: the IdP's session ends then (SAML core 2.7.2). */
  sessionNotOnOrAfter: Date | null;
  authnInstant: string | null;
  attributes: Record<string, string[]>;
  /** The earliest NotOnOrAfter of Conditions and bearer SubjectConfirmationData. */
  notOnOrAfter: Date;
  /** Keep `assertionId` in the replay cache until then: `notOnOrAfter` + clock skew (SPEC §5). */
  replayCacheUntil: Date;
  /** The InResponseTo the response carried, `null` for an IdP-initiated login. */
  inResponseTo: string | null;
  idpInitiated: boolean;
  /** Which elements carried a verified signature. */
  signed: { response: boolean; assertion: boolean };
  /**
   * DER of the configured certificate whose key verified the signature covering the
   * assertion (its own, else the Response's): SPEC §9's certificate rotation needs to know
   * which of several configured certificates the IdP signs with now.
   */
  signingCertificate: Uint8Array;
}

/** What {@link readVerifiedLogin} works on: elements whose signatures have been verified. */
export interface VerifiedElements {
  response: Element;
  assertion: Element;
  responseSigned: boolean;
  assertionSigned: boolean;
  policy: SamlVerificationPolicy;
  expectedRequestId: string | undefined;
  now: number;
  checkDestination: boolean;
  ids: ReadonlySet<string>;
}

/**
 * The checks of SPEC §5 on verified content — issuers, Destination, bearer confirmation,
 * Conditions, AuthnStatement, InResponseTo — then the identity. Nothing is read from outside `assertion`
 * but the Response's Issuer, Destination and InResponseTo, which may only reject.
 */
export async function readVerifiedLogin(v: VerifiedElements): Promise<Omit<SamlLogin, "signingCertificate">> {
  const ctx = conditionContext(v);
  const issuer = checkIssuers(v.response, v.assertion, v.policy.idpEntityId);
  const destination = attr(v.response, "Destination");
  if (ctx.checkDestination && destination !== null && destination !== ctx.acsUrl) {
    fail("destination_mismatch", `Destination "${destination}", expected "${ctx.acsUrl}"`);
  }
  const subject = optionalChild(v.assertion, NS.assertion, "Subject");
  if (!subject) fail("missing_condition", "the assertion has no Subject");
  const bearer = checkBearerConfirmation(subject, ctx);
  const conditionsEnd = checkConditions(v.assertion, ctx);
  const authn = readAuthnStatement(v.assertion);
  const responseInResponseTo = attr(v.response, "InResponseTo");
  const idpInitiated = checkInResponseTo({
    response: responseInResponseTo,
    responseSigned: v.responseSigned,
    confirmations: bearer.inResponseTo,
    expected: v.expectedRequestId,
    allowIdpInitiated: v.policy.allowIdpInitiated,
  });
  const name = await readSubjectName(subject, v.policy.spDecryptionKeys, v.ids);
  const notOnOrAfter = Math.min(bearer.notOnOrAfter, conditionsEnd ?? Infinity);
  return {
    responseId: attr(v.response, "ID") ?? "",
    assertionId: requiredId(v.assertion),
    issuer,
    nameId: name.nameId,
    nameIdFormat: name.nameIdFormat,
    nameQualifier: name.nameQualifier,
    spNameQualifier: name.spNameQualifier,
    nameIdEncrypted: name.encrypted,
    ...authn,
    attributes: readAttributes(v.assertion, new Set(v.policy.mappedAttributes)),
    notOnOrAfter: new Date(notOnOrAfter),
    replayCacheUntil: new Date(notOnOrAfter + ctx.skewMs),
    inResponseTo: idpInitiated ? null : (bearer.inResponseTo[0] ?? responseInResponseTo),
    idpInitiated,
    signed: { response: v.responseSigned, assertion: v.assertionSigned },
  };
}

/** Clock skew is clamped to 0…180 s: a misconfiguration must not widen the window (SPEC §2). */
function conditionContext(v: VerifiedElements): ConditionContext {
  const skew = Math.min(Math.max(Number.isFinite(v.policy.clockSkewSeconds) ? v.policy.clockSkewSeconds : 60, 0), 180);
  return {
    now: v.now,
    skewMs: skew * 1000,
    spEntityId: v.policy.spEntityId,
    acsUrl: v.policy.acsUrl,
    checkDestination: v.checkDestination,
  };
}

/**
 * The assertion's Issuer is required, the Response's optional; both must be the IdP (SPEC §5).
 * With no entity ID configured (a setup portal test, `idpEntityId: null`), the Assertion's
 * Issuer is what the IdP is, and a Response Issuer must still equal it.
 */
function checkIssuers(response: Element, assertion: Element, idpEntityId: string | null): string {
  const assertionIssuer = optionalChild(assertion, NS.assertion, "Issuer");
  const issuer = assertionIssuer ? strictText(assertionIssuer).trim() : null;
  const expected = idpEntityId ?? issuer ?? "";
  const responseIssuer = optionalChild(response, NS.assertion, "Issuer");
  if (responseIssuer && strictText(responseIssuer).trim() !== expected) {
    fail("issuer_mismatch", `Response Issuer "${strictText(responseIssuer).trim()}", expected "${expected}"`);
  }
  if (!issuer || issuer !== expected)
    fail("issuer_mismatch", `Assertion Issuer "${issuer ?? ""}", expected "${expected || "an Issuer"}"`);
  return issuer;
}

function requiredId(assertion: Element): string {
  const id = attr(assertion, "ID");
  if (!id) fail("malformed_xml", "the assertion has no ID");
  return id;
}
