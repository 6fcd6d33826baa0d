import type { Element } from "@xmldom/xmldom";
import { attr, childrenNamed, optionalChild, strictText } from "./dom";
import { checkWindow, parseInstant } from "./instant";
import { NS, SAML_URI } from "./namespaces";
import { fail } from "./saml-error";

/** What the checks compare against; all from the connection and the injected clock. */
export interface ConditionContext {
  now: number;
  skewMs: number;
  spEntityId: string;
  acsUrl: string;
  checkDestination: boolean;
}

/**
 * The assertion's Conditions (SAML core 2.5): NotBefore/NotOnOrAfter within the skew,
 * and at least one AudienceRestriction, every one of which names the SP — the Web SSO
 * profile (4.1.4.2) requires one for bearer assertions, and an assertion meant for
 * another SP must not log in here. Returns Conditions' NotOnOrAfter, if any.
 */
export function checkConditions(assertion: Element, ctx: ConditionContext): number | null {
  const conditions = optionalChild(assertion, NS.assertion, "Conditions");
  if (!conditions) fail("missing_condition", "the assertion has no Conditions");
  const notBefore = instantAttr(conditions, "NotBefore");
  const notOnOrAfter = instantAttr(conditions, "NotOnOrAfter");
  checkWindow({ notBefore, notOnOrAfter }, ctx.now, ctx.skewMs, "Conditions");
  const restrictions = childrenNamed(conditions, NS.assertion, "AudienceRestriction");
  // No restriction names the SP, so the assertion is not shown to be for us: the audience rule fails.
  if (restrictions.length === 0) fail("audience_mismatch", `no AudienceRestriction, expected "${ctx.spEntityId}"`);
  for (const restriction of restrictions) {
    const audiences = childrenNamed(restriction, NS.assertion, "Audience").map((a) => strictText(a).trim());
    if (!audiences.includes(ctx.spEntityId)) {
      fail("audience_mismatch", `audiences ${JSON.stringify(audiences)}, expected "${ctx.spEntityId}"`);
    }
  }
  return notOnOrAfter;
}

/** What the bearer confirmations established. */
export interface BearerConfirmation {
  notOnOrAfter: number;
  inResponseTo: string[];
}

/**
 * Bearer SubjectConfirmation (SAML profiles 4.1.4.2): at least one; each one's
 * SubjectConfirmationData names our ACS URL as Recipient, has a NotOnOrAfter, and is
 * within its window. Confirmations of other methods are ignored: they cannot be proven
 * by a browser POST.
 */
export function checkBearerConfirmation(subject: Element, ctx: ConditionContext): BearerConfirmation {
  const bearers = childrenNamed(subject, NS.assertion, "SubjectConfirmation").filter(
    (c) => attr(c, "Method") === SAML_URI.bearer,
  );
  if (bearers.length === 0) fail("missing_condition", "no bearer SubjectConfirmation");
  let earliest = Infinity;
  const inResponseTo: string[] = [];
  for (const bearer of bearers) {
    const data = optionalChild(bearer, NS.assertion, "SubjectConfirmationData");
    if (!data) fail("missing_condition", "bearer SubjectConfirmation without SubjectConfirmationData");
    const recipient = attr(data, "Recipient");
    if (ctx.checkDestination && recipient !== ctx.acsUrl) {
      fail("recipient_mismatch", `Recipient "${recipient ?? ""}", expected "${ctx.acsUrl}"`);
    }
    const notOnOrAfter = instantAttr(data, "NotOnOrAfter");
    if (notOnOrAfter === null) fail("missing_condition", "SubjectConfirmationData has no NotOnOrAfter");
    checkWindow(
      { notBefore: instantAttr(data, "NotBefore"), notOnOrAfter },
      ctx.now,
      ctx.skewMs,
      "SubjectConfirmationData",
    );
    earliest = Math.min(earliest, notOnOrAfter);
    const irt = attr(data, "InResponseTo");
    if (irt !== null) inResponseTo.push(irt);
  }
  return { notOnOrAfter: earliest, inResponseTo };
}

function instantAttr(element: Element, name: string): number | null {
  const value = attr(element, name);
  return value === null ? null : parseInstant(value, `${element.localName}@${name}`);
}
