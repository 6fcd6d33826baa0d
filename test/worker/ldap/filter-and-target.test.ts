/**
 * Pure parts of src/ldap: RFC 4515 filter escaping (vectors from the RFC, and a property
 * checked against ldapts's own filter parser) and the outbound policy for `serverUri`.
 */
import * as fc from "fast-check";
import { FilterParser, EqualityFilter } from "ldapts";
import { describe, expect, it } from "vitest";
import { escapeFilterValue, parseLdapTarget, userFilter } from "../../../src/ldap";

describe("RFC 4515 escaping", () => {
  it("escapes the five characters §3 names, and nothing else", () => {
    // RFC 4515 §4 examples: (o=Parens R Us \28for all your parenthetical needs\29), (cn=*\2A*), (filename=C:\5cMyFile)
    expect(escapeFilterValue("Parens R Us (for all your parenthetical needs)")).toBe(
      "Parens R Us \\28for all your parenthetical needs\\29",
    );
    expect(escapeFilterValue("*")).toBe("\\2a");
    expect(escapeFilterValue("C:\\MyFile")).toBe("C:\\5cMyFile");
    expect(escapeFilterValue("a\0b")).toBe("a\\00b");
    expect(escapeFilterValue("Lučić@例え.jp")).toBe("Lučić@例え.jp");
  });

  it("replaces every %(user)s of the filter", () => {
    expect(userFilter("(|(uid=%(user)s)(mail=%(user)s))", "*)(uid=*")).toBe(
      "(|(uid=\\2a\\29\\28uid=\\2a)(mail=\\2a\\29\\28uid=\\2a))",
    );
  });

  it("whatever the username, the filter parses to one equality assertion of exactly that value", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 40 }), (username) => {
        const filter = FilterParser.parseString(userFilter("(mail=%(user)s)", username));
        expect(filter).toBeInstanceOf(EqualityFilter);
        expect((filter as EqualityFilter).value).toBe(username);
      }),
      { numRuns: 500 },
    );
  });
});

describe("serverUri and the outbound policy", () => {
  const dev = { ALLOW_INSECURE_LOOPBACK_IDP: "true" };
  const prod = {};
  const ok = (env: object, uri: string, startTls = false) => {
    const result = parseLdapTarget(env, uri, startTls);
    if (!result.ok) throw new Error(result.detail);
    return result.target;
  };
  const refused = (env: object, uri: string, startTls = false) => {
    const result = parseLdapTarget(env, uri, startTls);
    expect(result.ok, uri).toBe(false);
    return result.ok ? "" : result.detail;
  };

  it("reads scheme, host and port (389 and 636 by default)", () => {
    expect(ok(prod, "ldaps://LDAP.Example.com")).toEqual({
      address: "ldap.example.com:636",
      hostname: "ldap.example.com",
      port: 636,
      security: "ldaps",
    });
    expect(ok(prod, "ldap://ldap.example.com:3890/", true)).toMatchObject({ port: 3890, security: "starttls" });
    expect(ok(dev, "ldap://[::1]:389")).toMatchObject({ hostname: "::1", security: "none" });
  });

  it("allows a channel without TLS only to loopback, with ALLOW_INSECURE_LOOPBACK_IDP", () => {
    expect(refused(prod, "ldap://ldap.example.com")).toMatch(
      /not encrypted: credentials would cross the network in clear/,
    );
    expect(refused(prod, "ldap://127.0.0.1:389")).toMatch(
      /loopback address \(allowed only with ALLOW_INSECURE_LOOPBACK_IDP/,
    );
    expect(refused(prod, "ldaps://localhost")).toMatch(/loopback/);
    expect(ok(dev, "ldap://127.0.0.1:389").security).toBe("none");
    // A decimal IPv4 literal is still loopback once parsed.
    expect(refused(prod, "ldaps://2130706433")).toMatch(/loopback/);
  });

  it("never reaches private or link-local literals", () => {
    for (const uri of [
      "ldaps://10.0.0.5",
      "ldaps://172.16.1.1",
      "ldaps://192.168.1.1",
      "ldaps://169.254.169.254",
      "ldaps://[fd00::1]",
      "ldaps://0.0.0.0",
    ])
      expect(refused(dev, uri)).toMatch(/private or link-local/);
  });

  it("refuses malformed URIs, credentials and StartTLS over ldaps://", () => {
    for (const uri of [
      "http://ldap.example.com",
      "ldaps://user:pw@ldap.example.com",
      "ldaps://ldap.example.com/dc=x",
      "ldaps://ldap.example.com:70000",
      "ldaps://",
    ])
      expect(refused(prod, uri)).toMatch(/ldaps?:\/\/host\[:port\]|valid host and port/);
    expect(refused(prod, "ldaps://ldap.example.com", true)).toMatch(/startTls applies to ldap:\/\/ only/);
  });
});
