/** The identity a directory entry asserts (src/flow/ldap/ldap-identity.ts): subject, mapping, attribute names. */
import { describe, expect, it } from "vitest";
import { formatObjectGuid, ldapIdentity } from "../../../src/flow/ldap/ldap-identity";

const entry = (attributes: Record<string, string[]>, binary: Record<string, Uint8Array[]> = {}) => ({
  dn: "CN=Jane Doe,OU=People,DC=acme,DC=com",
  attributes,
  binary,
});
// The GUID {3F2504E0-4F89-11D3-9A0C-0305E82C3301} as Active Directory stores it (RFC 4122 mixed-endian).
const GUID_BYTES = Uint8Array.from([
  0xe0, 0x04, 0x25, 0x3f, 0x89, 0x4f, 0xd3, 0x11, 0x9a, 0x0c, 0x03, 0x05, 0xe8, 0x2c, 0x33, 0x01,
]);

describe("ldapIdentity", () => {
  it("takes entryUUID as the subject, else objectGUID, else the DN", () => {
    const uuid = "6ABADA3E-823A-1041-841A-AF72B5137391";
    expect(ldapIdentity(entry({ entryUUID: [uuid] }, { objectGUID: [GUID_BYTES] }), {}).subject).toBe(
      uuid.toLowerCase(),
    );
    expect(ldapIdentity(entry({}, { objectGUID: [GUID_BYTES] }), {}).subject).toBe(
      "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    );
    expect(ldapIdentity(entry({}), {}).subject).toBe("CN=Jane Doe,OU=People,DC=acme,DC=com");
  });

  it("reads the mapped attributes, their names case-insensitive, defaults mail, givenName, sn, memberOf", () => {
    const attributes = {
      Mail: ["Jane@Acme.com"],
      givenname: ["Jane"],
      SN: ["Doe"],
      memberOf: ["CN=Eng,DC=acme,DC=com", "CN=Ops,DC=acme,DC=com"],
      userPrincipalName: ["jdoe@acme.corp"],
    };
    expect(ldapIdentity(entry(attributes), {})).toMatchObject({
      email: "jane@acme.com",
      emailVerified: true,
      firstName: "Jane",
      lastName: "Doe",
      groups: ["CN=Eng,DC=acme,DC=com", "CN=Ops,DC=acme,DC=com"],
      roles: [],
      subjectIsTransient: false,
      rawAttributes: attributes,
    });
    expect(ldapIdentity(entry(attributes), { email: "userPrincipalName" }).email).toBe("jdoe@acme.corp");
  });

  it("has no email when the mapped attribute is missing or not an address", () => {
    expect(ldapIdentity(entry({ mail: ["not an address"] }), {}).email).toBeNull();
    expect(ldapIdentity(entry({}), {}).email).toBeNull();
  });

  it("formats objectGUID as Active Directory shows it", () => {
    expect(formatObjectGuid(GUID_BYTES)).toBe("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
  });
});
