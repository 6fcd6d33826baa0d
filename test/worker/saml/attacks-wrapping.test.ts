import type { Document, Element } from "@xmldom/xmldom";
import { describe, expect, it } from "vitest";
import { codeOf, edit, fx, NS, verifyXml } from "./helpers";

/*
 * XML signature wrapping, XSW1–XSW8 as SAML Raider builds them, each from a genuinely
 * signed response. The signed element stays intact somewhere in the document while an
 * evil one sits where a naive SP reads. SPEC §5 refuses every extra assertion anywhere.
 */
const EVIL = "mallory@evil.test";

function withoutSignature(element: Element): Element {
  const copy = element.cloneNode(true) as Element;
  for (const sig of Array.from(copy.childNodes).filter((n) => (n as Element).localName === "Signature")) {
    copy.removeChild(sig);
  }
  return copy;
}

/** A copy of `assertion` with a new ID, the attacker's NameID, and (optionally) no signature. */
function evilAssertion(assertion: Element, keepSignature = false): Element {
  const evil = keepSignature ? (assertion.cloneNode(true) as Element) : withoutSignature(assertion);
  evil.setAttribute("ID", "_evil_assertion");
  const nameId = evil.getElementsByTagNameNS(NS.assertion, "NameID").item(0)!;
  nameId.textContent = EVIL;
  return evil;
}

function responseWrapping(placeCopy: (doc: Document, response: Element, copy: Element, signature: Element) => void) {
  return edit(fx.responses["response-signed"]!, (doc, find) => {
    const response = doc.documentElement!;
    const copy = withoutSignature(response);
    placeCopy(doc, response, copy, find("dsig", "Signature"));
    response.setAttribute("ID", "_evil_response");
    find("assertion", "NameID").textContent = EVIL;
  });
}

const XSW: Record<string, () => string> = {
  // XSW1: the signed Response copied into its own Signature; the outer one is evil.
  XSW1: () => responseWrapping((_doc, _r, copy, signature) => signature.appendChild(copy)),
  // XSW2: the same copy placed before the Signature (a detached signature).
  XSW2: () => responseWrapping((_doc, response, copy, signature) => response.insertBefore(copy, signature)),
  // XSW3: an evil assertion before the signed one.
  XSW3: () =>
    edit(fx.responses["assertion-signed"]!, (doc, find) => {
      const original = find("assertion", "Assertion");
      doc.documentElement!.insertBefore(evilAssertion(original), original);
    }),
  // XSW4: the signed assertion wrapped inside the evil one.
  XSW4: () =>
    edit(fx.responses["assertion-signed"]!, (doc, find) => {
      const original = find("assertion", "Assertion");
      const evil = evilAssertion(original);
      doc.documentElement!.replaceChild(evil, original);
      evil.appendChild(original);
    }),
  // XSW5: the signed assertion altered (signature kept), an unsigned original copy appended.
  XSW5: () =>
    edit(fx.responses["assertion-signed"]!, (doc, find) => {
      const original = find("assertion", "Assertion");
      const copy = withoutSignature(original);
      copy.setAttribute("ID", "_copy");
      find("assertion", "NameID").textContent = EVIL;
      doc.documentElement!.appendChild(copy);
    }),
  // XSW6: the evil assertion keeps the Signature; the original sits inside that Signature.
  XSW6: () =>
    edit(fx.responses["assertion-signed"]!, (doc, find) => {
      const original = find("assertion", "Assertion");
      const evil = evilAssertion(original, true);
      doc.documentElement!.replaceChild(evil, original);
      const signature = evil.getElementsByTagNameNS(NS.dsig, "Signature").item(0)!;
      signature.appendChild(withoutSignature(original));
    }),
  // XSW7: the original in an Extensions element; the evil assertion unsigned.
  XSW7: () =>
    edit(fx.responses["assertion-signed"]!, (doc, find) => {
      const original = find("assertion", "Assertion");
      const extensions = doc.createElementNS(NS.protocol, "samlp:Extensions");
      extensions.appendChild(original.cloneNode(true));
      doc.documentElement!.replaceChild(evilAssertion(original), original);
      doc.documentElement!.insertBefore(extensions, doc.documentElement!.firstChild!.nextSibling);
    }),
  // XSW8: the evil assertion keeps the Signature, whose Object holds the original.
  XSW8: () =>
    edit(fx.responses["assertion-signed"]!, (doc, find) => {
      const original = find("assertion", "Assertion");
      const evil = evilAssertion(original, true);
      doc.documentElement!.replaceChild(evil, original);
      const signature = evil.getElementsByTagNameNS(NS.dsig, "Signature").item(0)!;
      const object = doc.createElementNS(NS.dsig, "ds:Object");
      object.appendChild(withoutSignature(original));
      signature.appendChild(object);
    }),
};

/**
 * XSW1/2 copy the whole signed Response, so its assertion's ID appears twice: the ID
 * uniqueness rule catches them first. The others leave a second assertion in the tree.
 */
const EXPECTED: Record<string, string> = {
  XSW1: "duplicate_id",
  XSW2: "duplicate_id",
  XSW3: "multiple_assertions",
  XSW4: "multiple_assertions",
  XSW5: "multiple_assertions",
  XSW6: "multiple_assertions",
  XSW7: "multiple_assertions",
  XSW8: "multiple_assertions",
};

describe("signature wrapping (XSW1–XSW8)", () => {
  it.each(Object.keys(XSW))("%s is refused", async (name) => {
    const attack = XSW[name]!();
    expect(attack).toContain(EVIL);
    expect(await codeOf(verifyXml(attack, { wantAssertionsSigned: false }))).toBe(EXPECTED[name]);
    expect(await codeOf(verifyXml(attack))).toBe(EXPECTED[name]);
  });

  it("XSW1 with fresh IDs in the copy is still refused (two assertions)", async () => {
    const attack = responseWrapping((_doc, _r, copy, signature) => {
      copy.getElementsByTagNameNS(NS.assertion, "Assertion").item(0)!.setAttribute("ID", "_copy_assertion");
      signature.appendChild(copy);
    });
    expect(await codeOf(verifyXml(attack, { wantAssertionsSigned: false }))).toBe("multiple_assertions");
  });

  it("a signature moved to an element with another ID is reference_mismatch", async () => {
    const attack = edit(fx.responses["assertion-signed"]!, (_doc, find) => {
      find("assertion", "Assertion").setAttribute("ID", "_evil_assertion");
    });
    expect(await codeOf(verifyXml(attack))).toBe("reference_mismatch");
  });

  it("an empty Reference URI (the whole document) is reference_mismatch", async () => {
    const attack = edit(fx.responses["assertion-signed"]!, (_doc, find) => {
      find("dsig", "Reference").setAttribute("URI", "");
    });
    expect(await codeOf(verifyXml(attack))).toBe("reference_mismatch");
  });

  it("a Reference to a foreign element (the Response) is reference_mismatch", async () => {
    const attack = edit(fx.responses["assertion-signed"]!, (doc, find) => {
      find("dsig", "Reference").setAttribute("URI", `#${doc.documentElement!.getAttribute("ID")}`);
    });
    expect(await codeOf(verifyXml(attack))).toBe("reference_mismatch");
  });

  it("a signature that is not a direct child of the assertion does not count", async () => {
    const attack = edit(fx.responses["assertion-signed"]!, (doc, find) => {
      const signature = find("dsig", "Signature");
      const subject = find("assertion", "Subject");
      signature.parentNode!.removeChild(signature);
      subject.appendChild(signature);
      void doc;
    });
    expect(await codeOf(verifyXml(attack))).toBe("unsigned");
  });

  it("two signatures on one element are signature_shape", async () => {
    const attack = edit(fx.responses["assertion-signed"]!, (_doc, find) => {
      const signature = find("dsig", "Signature");
      signature.parentNode!.insertBefore(signature.cloneNode(true), signature);
    });
    expect(await codeOf(verifyXml(attack))).toBe("signature_shape");
  });

  it("an Object inside the counted Signature is signature_shape", async () => {
    const attack = edit(fx.responses["assertion-signed"]!, (doc, find) => {
      find("dsig", "Signature").appendChild(doc.createElementNS(NS.dsig, "ds:Object"));
    });
    expect(await codeOf(verifyXml(attack))).toBe("signature_shape");
  });

  it("extra transforms are unsupported_transform", async () => {
    const attack = edit(fx.responses["assertion-signed"]!, (doc, find) => {
      const transform = doc.createElementNS(NS.dsig, "ds:Transform");
      transform.setAttribute("Algorithm", "http://www.w3.org/TR/1999/REC-xpath-19991116");
      find("dsig", "Transforms").appendChild(transform);
    });
    expect(await codeOf(verifyXml(attack))).toBe("unsupported_transform");
  });
});
