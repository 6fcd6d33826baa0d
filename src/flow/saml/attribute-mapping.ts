import type { AttributeMapping } from "../../connections/settings";
import { attributeNamesOf, pickAttribute } from "../../saml";
import type { VerifiedIdentity } from "../../store/org/login-types";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The values of one field: the configured attribute Name, or the provider defaults (saml/attribute-names). */
function pick(
  attributes: Record<string, string[]>,
  mapping: AttributeMapping,
  field: keyof AttributeMapping,
): string[] {
  return pickAttribute(attributes, attributeNamesOf(mapping, field));
}

/** The identity a verified SAML login asserts. The email falls back to an email-shaped NameID. */
export function samlIdentity(input: {
  nameId: string;
  nameIdFormat: string | null;
  attributes: Record<string, string[]>;
  mapping: AttributeMapping;
}): VerifiedIdentity {
  const { mapping } = input;
  // The verifier keeps attributes in a null-prototype record (no __proto__ keys); the
  // copy is a plain object, which Durable Object RPC can serialize.
  const attributes: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(input.attributes)) attributes[name] = [...values];
  const email = pick(attributes, mapping, "email")[0] ?? (EMAIL.test(input.nameId) ? input.nameId : null);
  const transient = input.nameIdFormat === "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
  return {
    subject: input.nameId,
    subjectIsTransient: transient,
    email: email && EMAIL.test(email) ? email.toLowerCase() : null,
    emailVerified: true,
    firstName: pick(attributes, mapping, "firstName")[0] ?? null,
    lastName: pick(attributes, mapping, "lastName")[0] ?? null,
    groups: pick(attributes, mapping, "groups"),
    roles: pick(attributes, mapping, "roles"),
    rawAttributes: attributes,
  };
}
