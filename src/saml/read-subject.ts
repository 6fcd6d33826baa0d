import type { Element } from "@xmldom/xmldom";
import { decryptElement } from "./decrypt-element";
import { attr, childrenNamed, strictText, textOrElements } from "./dom";
import { NS } from "./namespaces";
import { parseDecrypted } from "./parse-decrypted";
import { fail } from "./saml-error";

/** The subject's identifier as the login uses it. */
export interface SubjectName {
  nameId: string;
  nameIdFormat: string | null;
  nameQualifier: string | null;
  spNameQualifier: string | null;
  /** True when the IdP sent it as an EncryptedID (seed 003's `encrypted` format). */
  encrypted: boolean;
}

/**
 * The Subject's NameID, or its EncryptedID decrypted with the SP key (SAML core 2.2.4).
 * The value is its text and CDATA only (SPEC §5 `non_text_value`), and must not be empty.
 */
export async function readSubjectName(
  subject: Element,
  spKeys: readonly string[],
  knownIds: ReadonlySet<string>,
): Promise<SubjectName> {
  const plain = childrenNamed(subject, NS.assertion, "NameID");
  const encrypted = childrenNamed(subject, NS.assertion, "EncryptedID");
  if (plain.length + encrypted.length !== 1) {
    fail("missing_condition", `Subject holds ${plain.length} NameID and ${encrypted.length} EncryptedID`);
  }
  let nameIdElement = plain[0];
  if (!nameIdElement) {
    const xml = await decryptElement(encrypted[0]!, spKeys);
    nameIdElement = parseDecrypted(xml, encrypted[0]!, { ns: NS.assertion, local: "NameID" }, knownIds).element;
  }
  const nameId = strictText(nameIdElement).trim();
  if (nameId === "") fail("missing_condition", "empty NameID");
  return {
    nameId,
    nameIdFormat: attr(nameIdElement, "Format"),
    nameQualifier: attr(nameIdElement, "NameQualifier"),
    spNameQualifier: attr(nameIdElement, "SPNameQualifier"),
    encrypted: encrypted.length === 1,
  };
}

/**
 * Attributes of every AttributeStatement: Name → values, each value its text and CDATA
 * (SPEC §5). A repeated Name accumulates values. An empty or xsi:nil value is "". A value
 * holding elements rejects (`non_text_value`) when the login maps its attribute
 * (`mapped`), and is left out otherwise; an attribute left with no value is left out.
 */
export function readAttributes(assertion: Element, mapped: ReadonlySet<string>): Record<string, string[]> {
  const attributes: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const statement of childrenNamed(assertion, NS.assertion, "AttributeStatement")) {
    for (const attribute of childrenNamed(statement, NS.assertion, "Attribute")) {
      const name = attr(attribute, "Name");
      if (!name) fail("malformed_xml", "Attribute without Name");
      const elements = childrenNamed(attribute, NS.assertion, "AttributeValue");
      const values: string[] = [];
      for (const element of elements) {
        const value = textOrElements(element);
        if (value !== null) values.push(value);
        else if (mapped.has(name)) fail("non_text_value", `attribute "${name}" (mapped) holds an element value`);
      }
      if (values.length > 0 || elements.length === 0) (attributes[name] ??= []).push(...values);
    }
  }
  return attributes;
}

/**
 * The SessionIndex, SessionNotOnOrAfter and AuthnInstant of the first AuthnStatement. The Web SSO profile
 * (4.1.4.2) requires at least one: an assertion that says nothing about how the user
 * authenticated is not a login (`missing_authn_statement`, SPEC §5).
 */
export function readAuthnStatement(assertion: Element): {
  sessionIndex: string | null;
  sessionNotOnOrAfter: Date | null;
  authnInstant: string | null;
} {
  const statement = childrenNamed(assertion, NS.assertion, "AuthnStatement")[0];
  if (!statement) fail("missing_authn_statement", "the assertion has no AuthnStatement");
  return {
    sessionIndex: attr(statement, "SessionIndex"),
    sessionNotOnOrAfter: sessionEnd(attr(statement, "SessionNotOnOrAfter")),
    authnInstant: attr(statement, "AuthnInstant"),
  };
}

/**
 * SessionNotOnOrAfter only bounds how long edge-sso remembers the session for logout; it
 * never decides a login, so a value that is not an xs:dateTime is ignored, not refused.
 */
function sessionEnd(value: string | null): Date | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}
