import { describe, expect, it } from "vitest";
import { codeOf, edit, fx, verifyXml } from "./helpers";

/** SPEC §5 "conditions" and "InResponseTo", each broken on a genuinely signed response. */
const signed = () => fx.responses["assertion-signed"]!;
const at = (iso: string) => ({ now: new Date(iso) });

describe("who the response is for", () => {
  it("another ACS URL than the Destination is destination_mismatch", async () => {
    expect(await codeOf(verifyXml(signed(), { acsUrl: "https://sso.test/saml/conn_other/acs" }))).toBe(
      "destination_mismatch",
    );
  });

  it("without Destination, the Recipient is still checked: recipient_mismatch", async () => {
    const noDestination = edit(signed(), (doc) => doc.documentElement!.removeAttribute("Destination"));
    expect(await codeOf(verifyXml(noDestination))).toBe("ok");
    expect(await codeOf(verifyXml(noDestination, { acsUrl: "https://sso.test/saml/conn_other/acs" }))).toBe(
      "recipient_mismatch",
    );
  });

  it("skipDestinationCheck (the CLI's) skips only Destination and Recipient", async () => {
    const other = { acsUrl: "https://elsewhere.test/acs" };
    expect(await codeOf(verifyXml(signed(), other, { skipDestinationCheck: true }))).toBe("ok");
    expect(await codeOf(verifyXml(signed(), { ...other, spEntityId: "x" }, { skipDestinationCheck: true }))).toBe(
      "audience_mismatch",
    );
  });

  it("another SP entity ID is audience_mismatch", async () => {
    expect(await codeOf(verifyXml(signed(), { spEntityId: "https://sso.test/saml/conn_other" }))).toBe(
      "audience_mismatch",
    );
  });

  it("another IdP entity ID is issuer_mismatch", async () => {
    expect(await codeOf(verifyXml(signed(), { idpEntityId: "https://evil.test/idp" }))).toBe("issuer_mismatch");
  });

  it("an unsigned Response Issuer that differs is issuer_mismatch", async () => {
    const attack = edit(signed(), (_doc, find) => {
      find("assertion", "Issuer", 0).textContent = "https://evil.test/idp";
    });
    expect(await codeOf(verifyXml(attack))).toBe("issuer_mismatch");
  });
});

describe("validity window", () => {
  it("after NotOnOrAfter + skew is expired", async () => {
    expect(await codeOf(verifyXml(signed(), {}, at("2030-01-01T00:06:00Z")))).toBe("expired");
    expect(await codeOf(verifyXml(signed(), {}, at("2030-01-01T00:05:59Z")))).toBe("ok");
    expect(await codeOf(verifyXml(signed(), { clockSkewSeconds: 0 }, at("2030-01-01T00:05:00Z")))).toBe("expired");
  });

  it("before NotBefore − skew is not_yet_valid", async () => {
    expect(await codeOf(verifyXml(signed(), {}, at("2029-12-31T23:57:59Z")))).toBe("not_yet_valid");
    expect(await codeOf(verifyXml(signed(), {}, at("2029-12-31T23:58:00Z")))).toBe("ok");
  });

  it("clock skew is capped at 180 s", async () => {
    expect(await codeOf(verifyXml(signed(), { clockSkewSeconds: 86400 }, at("2030-01-01T00:08:00Z")))).toBe("expired");
    expect(await codeOf(verifyXml(signed(), { clockSkewSeconds: 86400 }, at("2030-01-01T00:07:59Z")))).toBe("ok");
  });
});

describe("InResponseTo", () => {
  it("a response to another request is in_response_to_mismatch", async () => {
    expect(await codeOf(verifyXml(signed(), {}, { expectedRequestId: "_another_request" }))).toBe(
      "in_response_to_mismatch",
    );
  });

  it("a solicited response when no login is pending is in_response_to_mismatch", async () => {
    expect(await codeOf(verifyXml(signed(), { allowIdpInitiated: true }, { expectedRequestId: undefined }))).toBe(
      "in_response_to_mismatch",
    );
  });

  it("a missing InResponseTo is in_response_to_missing unless IdP-initiated login is allowed", async () => {
    expect(await codeOf(verifyXml(fx.responses.unsolicited!))).toBe("in_response_to_missing");
    expect(await codeOf(verifyXml(fx.responses.unsolicited!, { allowIdpInitiated: true }))).toBe("ok");
  });

  it("an InResponseTo added to an unsigned Response does not make an unsolicited assertion solicited", async () => {
    const attack = edit(fx.responses.unsolicited!, (doc) =>
      doc.documentElement!.setAttribute("InResponseTo", fx.requestId),
    );
    expect(await codeOf(verifyXml(attack))).toBe("in_response_to_missing");
  });

  it("an unsolicited response without allowIdpInitiated is unsolicited", async () => {
    expect(await codeOf(verifyXml(fx.responses.unsolicited!, {}, { expectedRequestId: undefined }))).toBe(
      "unsolicited",
    );
  });
});

describe("genuinely signed content SPEC §5 still refuses", () => {
  it.each([
    ["signed-scd-without-notonorafter", "missing_condition"],
    ["signed-without-audience", "audience_mismatch"],
    ["signed-without-authn-statement", "missing_authn_statement"],
    ["signed-nameid-with-pi", "non_text_value"],
    ["signed-attribute-with-element", "non_text_value"],
    ["signed-advice", "assertion_in_advice"],
  ])("%s is %s", async (name, code) => {
    expect(await codeOf(verifyXml(fx.responses[name]!))).toBe(code);
  });
});

describe("caller mistakes never accept", () => {
  it("an invalid clock throws instead of disabling the time checks", async () => {
    await expect(verifyXml(signed(), {}, { now: new Date("not a date") })).rejects.toThrow(TypeError);
  });

  it("an empty configured IdP entity ID matches no Issuer", async () => {
    expect(await codeOf(verifyXml(signed(), { idpEntityId: "" }))).toBe("issuer_mismatch");
  });
});
