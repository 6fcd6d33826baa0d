import type { LdapSettings } from "../../connections/settings";
import { mappedAttributes } from "../../ldap/directory-config";
import type { LdapEntry } from "../../ldap/ldap-session";
import type { VerifiedIdentity } from "../../store/org/login-types";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The identity a directory entry asserts once its password bound (SPEC §9): the subject is
 * `entryUUID` (RFC 4530, OpenLDAP and most servers), else Active Directory's `objectGUID`,
 * else the DN — stable across renames when the server has either; the mapped attributes
 * (defaults mail, givenName, sn, memberOf) fill the profile, every text attribute read is
 * `rawAttributes`. The directory is the authority for the address, as a SAML IdP is: the
 * org's verified domains still decide whether it is trusted (store/org/match-member.ts).
 */
export function ldapIdentity(entry: LdapEntry, mapping: LdapSettings["attributeMapping"]): VerifiedIdentity {
  const names = mappedAttributes(mapping);
  const values = (name: string) => attributeValues(entry.attributes, name);
  const email = values(names.email)[0] ?? null;
  return {
    subject: subjectOf(entry),
    subjectIsTransient: false,
    email: email && EMAIL.test(email) ? email.toLowerCase() : null,
    emailVerified: true,
    firstName: values(names.firstName)[0] ?? null,
    lastName: values(names.lastName)[0] ?? null,
    groups: values(names.groups),
    roles: [],
    rawAttributes: { ...entry.attributes },
  };
}

/** Attribute names are case-insensitive (RFC 4512 §2.5); the server spells them its way. */
function attributeValues(attributes: Record<string, string[]>, name: string): string[] {
  const wanted = name.toLowerCase();
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === wanted);
  return key ? attributes[key]!.filter((v) => v.length > 0) : [];
}

function subjectOf(entry: LdapEntry): string {
  const uuid = attributeValues(entry.attributes, "entryUUID")[0];
  if (uuid) return uuid.toLowerCase();
  const guidKey = Object.keys(entry.binary).find((k) => k.toLowerCase() === "objectguid");
  const guid = guidKey ? entry.binary[guidKey]![0] : undefined;
  if (guid?.length === 16) return formatObjectGuid(guid);
  return entry.dn;
}

/** Active Directory's objectGUID as its canonical text: the first three fields are little-endian. */
export function formatObjectGuid(bytes: Uint8Array): string {
  const hex = (indexes: number[]) => indexes.map((i) => bytes[i]!.toString(16).padStart(2, "0")).join("");
  return [hex([3, 2, 1, 0]), hex([5, 4]), hex([7, 6]), hex([8, 9]), hex([10, 11, 12, 13, 14, 15])].join("-");
}
