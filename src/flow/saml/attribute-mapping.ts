import type { AttributeMapping } from "../../connections/settings";
import type { VerifiedIdentity } from "../../store/org/login-types";

/**
 * Provider defaults for reading a SAML assertion's attributes: the claim URIs of Entra
 * ID/Azure AD and ADFS, Okta, Google Workspace, OneLogin, JumpCloud and the LDAP OIDs.
 * `attributeMapping` on the connection overrides each.
 */
const DEFAULTS: Record<keyof AttributeMapping, string[]> = {
  email: [
    "email",
    "Email",
    "mail",
    "emailAddress",
    "EmailAddress",
    "User.email",
    "user.email",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "urn:oid:0.9.2342.19200300.100.1.3",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
  ],
  firstName: [
    "firstName",
    "FirstName",
    "first_name",
    "givenName",
    "given_name",
    "User.FirstName",
    "fname",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    "urn:oid:2.5.4.42",
  ],
  lastName: [
    "lastName",
    "LastName",
    "last_name",
    "surname",
    "sn",
    "family_name",
    "familyName",
    "User.LastName",
    "lname",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    "urn:oid:2.5.4.4",
  ],
  groups: [
    "groups",
    "Groups",
    "group",
    "memberOf",
    "memberof",
    "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
    "http://schemas.xmlsoap.org/claims/Group",
  ],
  roles: ["roles", "Roles", "role", "Role", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"],
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function pick(
  attributes: Record<string, string[]>,
  configured: string | undefined,
  field: keyof AttributeMapping,
): string[] {
  for (const name of configured ? [configured] : DEFAULTS[field]) {
    const values = attributes[name]?.filter((v) => v.length > 0);
    if (values && values.length > 0) return values;
  }
  return [];
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
  const email = pick(attributes, mapping.email, "email")[0] ?? (EMAIL.test(input.nameId) ? input.nameId : null);
  const transient = input.nameIdFormat === "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
  return {
    subject: input.nameId,
    subjectIsTransient: transient,
    email: email && EMAIL.test(email) ? email.toLowerCase() : null,
    emailVerified: true,
    firstName: pick(attributes, mapping.firstName, "firstName")[0] ?? null,
    lastName: pick(attributes, mapping.lastName, "lastName")[0] ?? null,
    groups: pick(attributes, mapping.groups, "groups"),
    roles: pick(attributes, mapping.roles, "roles"),
    rawAttributes: attributes,
  };
}
