/**
 * Which SAML attributes a login reads, by Name: one list for the worker's attribute
 * mapping and the CLI's profile. The provider defaults are the claim URIs of Entra ID/Azure
 * AD and ADFS, Okta, Google Workspace, OneLogin, JumpCloud and the LDAP OIDs; a
 * connection's `attributeMapping` replaces a field's list with the one Name it configures.
 */
export type MappedField = "email" | "firstName" | "lastName" | "groups" | "roles";

/** A connection's `attributeMapping`: a configured attribute Name per field, or the defaults. */
export type AttributeNameMapping = { [field in MappedField]?: string | undefined };

export const SAML_ATTRIBUTE_DEFAULTS: Readonly<Record<MappedField, readonly string[]>> = {
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

const FIELDS = Object.keys(SAML_ATTRIBUTE_DEFAULTS) as MappedField[];

/** The attribute Names a field is read from, in order of preference. */
export function attributeNamesOf(mapping: AttributeNameMapping, field: MappedField): readonly string[] {
  const configured = mapping[field];
  return configured ? [configured] : SAML_ATTRIBUTE_DEFAULTS[field];
}

/**
 * Every attribute Name the login reads under `mapping`: the verification policy's
 * `mappedAttributes` (SPEC §5: an AttributeValue holding elements rejects only for these).
 */
export function mappedAttributeNames(mapping: AttributeNameMapping): string[] {
  return [...new Set(FIELDS.flatMap((field) => attributeNamesOf(mapping, field)))];
}

/**
 * The first non-empty values of the first attribute among `names` that has any: how a
 * login reads a field.
 */
export function pickAttribute(attributes: Readonly<Record<string, readonly string[]>>, names: readonly string[]) {
  for (const name of names) {
    const values = attributes[name]?.filter((v) => v.length > 0);
    if (values && values.length > 0) return values;
  }
  return [];
}
