import { describe, expect, it } from "vitest";
import { mappedAttributeNames, SAML_ATTRIBUTE_DEFAULTS } from "../../../src/saml";
import { TARGETED_ID } from "../../fixtures/saml/templates";
import { codeOf, fx, verifyXml } from "./helpers";

/*
 * SPEC §5: an AttributeValue holding child elements (Shibboleth's eduPersonTargetedID
 * carries a NameID) rejects only when the login maps that attribute, and is otherwise
 * left out; a comment or processing instruction rejects everywhere.
 */
describe("AttributeValues holding elements", () => {
  const targeted = () => fx.responses["signed-targeted-id"]!;

  it("an unmapped eduPersonTargetedID is left out; the login reads everything else", async () => {
    expect(targeted()).toContain(`Name="${TARGETED_ID}"`);
    const result = await verifyXml(targeted());
    if (!result.ok) throw result.error;
    expect(result.value.nameId).toBe(fx.nameId);
    expect({ ...result.value.attributes }).toEqual({
      email: [fx.nameId],
      firstName: ["Alice"],
      groups: ["engineering", "admins"],
    });
  });

  it("mapped by the connection's attributeMapping, it is non_text_value", async () => {
    for (const field of ["email", "firstName", "lastName", "groups", "roles"] as const) {
      const mappedAttributes = mappedAttributeNames({ [field]: TARGETED_ID });
      expect(await codeOf(verifyXml(targeted(), { mappedAttributes }))).toBe("non_text_value");
    }
  });

  it("mapped by a provider default (groups holding an element), it is non_text_value", async () => {
    expect(SAML_ATTRIBUTE_DEFAULTS.groups).toContain("groups");
    expect(await codeOf(verifyXml(fx.responses["signed-attribute-with-element"]!))).toBe("non_text_value");
  });

  it("a configured mapping replaces the default: groups holding an element is then left out", async () => {
    const mappedAttributes = mappedAttributeNames({ groups: "memberOf" });
    expect(mappedAttributes).not.toContain("groups");
    const result = await verifyXml(fx.responses["signed-attribute-with-element"]!, { mappedAttributes });
    if (!result.ok) throw result.error;
    expect(result.value.attributes.groups).toEqual(["admins"]);
  });

  it("a processing instruction inside an unmapped element value (signed) is non_text_value", async () => {
    expect(await codeOf(verifyXml(fx.responses["signed-targeted-id-with-pi"]!))).toBe("non_text_value");
  });

  it("a comment inside an unmapped element value (invisible to exc-c14n) is non_text_value", async () => {
    const attack = targeted().replace("ZWR1UGVyc29uVGFyZ2V0ZWRJRA<", "ZWR1UGVyc29u<!---->VGFyZ2V0ZWRJRA<");
    expect(attack).toContain("<!---->");
    expect(await codeOf(verifyXml(attack))).toBe("non_text_value");
  });

  it("a comment beside the element in an unmapped value is non_text_value", async () => {
    const attack = targeted().replace("<saml:AttributeValue><saml:NameID", "<saml:AttributeValue><!----><saml:NameID");
    expect(await codeOf(verifyXml(attack))).toBe("non_text_value");
  });
});

describe("the mapped attribute names", () => {
  it("are the provider defaults of every field without a configured name", () => {
    const names = mappedAttributeNames({});
    for (const list of Object.values(SAML_ATTRIBUTE_DEFAULTS)) for (const name of list) expect(names).toContain(name);
  });

  it("are the configured name alone for a configured field", () => {
    const names = mappedAttributeNames({ email: "urn:custom:mail" });
    expect(names).toContain("urn:custom:mail");
    expect(names).not.toContain("mail");
    expect(names).toContain("givenName");
  });
});
