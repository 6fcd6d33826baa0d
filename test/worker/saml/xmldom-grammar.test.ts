import grammar from "@xmldom/xmldom/lib/grammar.js";
import xmldomPackage from "@xmldom/xmldom/package.json";
import saxSource from "@xmldom/xmldom/lib/sax.js?raw";
import { describe, expect, it } from "vitest";
import projectPackage from "../../../package.json";
import { cachingReg, EXPECTED_FLAGS, originalReg } from "../../../src/saml/xmldom-regex-cache";

/*
 * src/saml/xmldom-regex-cache.ts patches @xmldom/xmldom's grammar (issue 9). It is only
 * correct while xmldom keeps the shape it was written for; these tests fail when it does
 * not, so an upgrade cannot change the parser silently.
 */
const sourceOf = (parts: Array<string | RegExp>) => parts.map((p) => (typeof p === "string" ? p : p.source)).join("");

describe("the xmldom grammar the regex cache relies on", () => {
  it("is the exact version package.json pins", () => {
    expect(projectPackage.dependencies["@xmldom/xmldom"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(xmldomPackage.version).toBe(projectPackage.dependencies["@xmldom/xmldom"]);
  });

  it("calls grammar.reg from its SAX parser at exactly the sites the cache was measured on", () => {
    const calls = [...saxSource.matchAll(/\bg\.reg\([^)]*\)/g)].map((m) => m[0]);
    expect(calls).toEqual(["g.reg('^', g.QName_group, g.S_OPT, '$')", "g.reg('^', g.QName_group)", "g.reg('^', args)"]);
    expect(saxSource).not.toMatch(/\bg\.regg?\s*=/);
  });

  it("builds each expression only from its parts' sources, with the u flag alone", () => {
    expect(grammar.UNICODE_SUPPORT).toBe(true);
    for (const parts of [
      ["^", grammar.QName_group, grammar.S_OPT, "$"],
      ["^", grammar.QName_group],
    ]) {
      const built = originalReg.apply(grammar, parts);
      expect(built.source).toBe(new RegExp(sourceOf(parts), "u").source);
      expect(built.flags).toBe(EXPECTED_FLAGS);
      expect(originalReg.apply(grammar, parts)).not.toBe(built);
    }
  });

  it("has its reg replaced by the cache, which answers one compiled expression per list of parts", () => {
    expect(grammar.reg).not.toBe(originalReg);
    const first = grammar.reg("^", grammar.QName_group, grammar.S_OPT, "$");
    expect(grammar.reg("^", grammar.QName_group, grammar.S_OPT, "$")).toBe(first);
    expect(grammar.reg("^", grammar.QName_group)).not.toBe(first);
  });
});

describe("cachingReg", () => {
  it("caches an expression with exactly the expected flags", () => {
    const reg = cachingReg((...parts) => new RegExp(sourceOf(parts), "u"));
    const part = /b/;
    expect(reg("^a", part)).toBe(reg("^a", part));
  });

  it.each(["gu", "uy", "", "iu"])("never caches an expression with flags %j", (flags) => {
    const reg = cachingReg((...parts) => new RegExp(sourceOf(parts), flags));
    const first = reg("^a");
    expect(first.flags).toBe(flags);
    expect(reg("^a")).not.toBe(first);
  });

  it("keys RegExp parts by identity, not by their source", () => {
    const reg = cachingReg((...parts) => new RegExp(sourceOf(parts), "u"));
    expect(reg("^", /x/)).not.toBe(reg("^", /x/));
    const part = /x/;
    expect(reg("^", part)).toBe(reg("^", part));
  });
});
