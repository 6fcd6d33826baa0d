/** The pure parts of the OIDC connection code: URL policy, claim mapping, time and scope rules. */
import { describe, expect, it } from "vitest";
import { checkIssuedAt } from "../../../src/oidc/exchange-code";
import { checkEmailVerified, oidcIdentity } from "../../../src/flow/oidc/oidc-identity";
import { refuseInsecureUrl } from "../../../src/oidc/request-policy";
import { upstreamScope } from "../../../src/flow/oidc/start-oidc";

describe("refuseInsecureUrl", () => {
  const on = { ALLOW_INSECURE_LOOPBACK_IDP: "true" };
  it.each([
    ["https://login.example.com", {}, null],
    ["http://127.0.0.1:8080/issuer", on, null],
    ["http://localhost:8080", on, null],
    ["http://[::1]:8080", on, null],
  ])("allows %s", (url, env, expected) => expect(refuseInsecureUrl(env, url)).toBe(expected));
  it.each([
    ["http://127.0.0.1:8080", {}],
    ["http://127.0.0.1:8080", { ALLOW_INSECURE_LOOPBACK_IDP: "1" }],
    ["http://login.example.com", on],
    ["http://10.0.0.1", on],
    ["ftp://127.0.0.1", on],
    ["not a url", on],
  ])("refuses %s with %o", (url, env) => expect(refuseInsecureUrl(env, url)).toEqual(expect.any(String)));
});

describe("oidcIdentity", () => {
  it("maps the standard claims, groups and roles, and keeps user claims raw", () => {
    const identity = oidcIdentity({
      sub: "00u1",
      email: "Ada@Example.COM",
      email_verified: true,
      given_name: "Ada",
      family_name: "Lovelace",
      groups: ["eng", 7, { nested: true }],
      roles: "admin",
      nonce: "n",
      aud: "x",
      department: "R&D",
    });
    expect(identity).toEqual({
      subject: "00u1",
      subjectIsTransient: false,
      email: "ada@example.com",
      emailVerified: true,
      firstName: "Ada",
      lastName: "Lovelace",
      groups: ["eng", "7"],
      roles: ["admin"],
      rawAttributes: {
        sub: ["00u1"],
        email: ["Ada@Example.COM"],
        email_verified: ["true"],
        given_name: ["Ada"],
        family_name: ["Lovelace"],
        groups: ["eng", "7"],
        roles: ["admin"],
        department: ["R&D"],
      },
    });
  });

  it("counts email_verified only when it is true", () => {
    for (const [value, verified] of [
      [true, true],
      ["true", true],
      [false, false],
      ["yes", false],
      [1, false],
      [undefined, false],
    ] as const) {
      expect(oidcIdentity({ sub: "s", email: "a@b.example", email_verified: value }).emailVerified).toBe(verified);
    }
  });

  it("drops an email that is not an address", () => {
    expect(oidcIdentity({ sub: "s", email: "not-an-email" }).email).toBeNull();
  });
});

describe("checkEmailVerified", () => {
  const unverified = oidcIdentity({ sub: "s", email: "a@b.example", email_verified: false });
  it("refuses an unverified email when required, and lets it through when not", () => {
    expect(checkEmailVerified(unverified, true)?.reason).toBe("email_not_verified");
    expect(checkEmailVerified(unverified, false)).toBeNull();
  });
});

describe("checkIssuedAt", () => {
  const now = 1_800_000_000;
  it("accepts a token issued now or a little earlier, and within the skew ahead", () => {
    expect(checkIssuedAt(now, now)).toBeNull();
    expect(checkIssuedAt(now - 300, now)).toBeNull();
    expect(checkIssuedAt(now + 60, now)).toBeNull();
  });
  it("refuses a token from the future or from long ago", () => {
    expect(checkIssuedAt(now + 61, now)?.reason).toBe("id_token_not_yet_valid");
    expect(checkIssuedAt(now - 3600, now)?.reason).toBe("id_token_invalid");
  });
});

describe("upstreamScope", () => {
  it("always asks for openid, once", () => {
    expect(upstreamScope("email profile")).toBe("openid email profile");
    expect(upstreamScope("openid  email openid")).toBe("openid email");
    expect(upstreamScope(["profile", "groups"])).toBe("openid profile groups");
  });
});
