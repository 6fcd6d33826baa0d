import { DOMParser, type Document, type Element } from "@xmldom/xmldom";
import { describe, expect, it } from "vitest";
import { exclusiveC14n } from "../../../src/saml/c14n/exclusive-c14n";
import { canonicalize } from "../../../src/saml/canonicalize";
import { xmldsigjsDropsInclusiveDefault, xmldsigjsExcC14n } from "./c14n-xmldsigjs";
import { edit, fx, NS } from "./helpers";

/*
 * Our exc-c14n (src/saml/c14n) against xmldsigjs's, the canonicalizer the verifier used
 * before, byte for byte: every document we have (ssoready's corpus, this run's xmlsec1
 * fixtures, attack-shaped edits of them), canonicalized whole, per Assertion (with and
 * without its enveloped Signature) and per SignedInfo, with and without PrefixLists.
 * Where xmldsigjs is known to depart from the spec (a `#default` PrefixList over prefixed
 * elements, see c14n-xmldsigjs.ts) the comparison is skipped; c14n-vectors.test.ts pins
 * those cases to xmlsec1's output.
 */
const corpus = import.meta.glob("../../fixtures/saml-corpus/**/*.xml", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

const PREFIX_LISTS: ReadonlyArray<readonly string[]> = [
  [],
  ["#default"],
  ["saml", "samlp", "ds", "dsig"],
  ["xs", "xsi", "saml2", "saml2p"],
  ["#default", "saml", "xs", "xsi", "ds"],
];

function parse(xml: string): Document | null {
  try {
    return new DOMParser({
      onError: (level, message) => {
        throw new Error(`${level}: ${message}`);
      },
    }).parseFromString(xml, "application/xml");
  } catch {
    return null;
  }
}

/** The direct child Signature, the one an enveloped-signature transform removes. */
function envelopedSignature(element: Element): Element | null {
  for (let n = element.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === NS.dsig && (n as Element).localName === "Signature") {
      return n as Element;
    }
  }
  return null;
}

interface Apex {
  label: string;
  element: Element;
  excluded: Element | null;
}

function apexes(doc: Document): Apex[] {
  const out: Apex[] = [{ label: "document element", element: doc.documentElement!, excluded: null }];
  const assertions = doc.getElementsByTagNameNS(NS.assertion, "Assertion");
  for (let i = 0; i < assertions.length; i++) {
    const assertion = assertions.item(i)!;
    out.push({ label: `Assertion ${i}`, element: assertion, excluded: null });
    const signature = envelopedSignature(assertion);
    if (signature) out.push({ label: `Assertion ${i} enveloped`, element: assertion, excluded: signature });
  }
  const response = doc.documentElement!;
  const responseSignature = envelopedSignature(response);
  if (responseSignature) out.push({ label: "Response enveloped", element: response, excluded: responseSignature });
  const signedInfos = doc.getElementsByTagNameNS(NS.dsig, "SignedInfo");
  for (let i = 0; i < signedInfos.length; i++) {
    out.push({ label: `SignedInfo ${i}`, element: signedInfos.item(i)!, excluded: null });
  }
  return out;
}

/** Every apex × PrefixList of `xml` compared; returns how many comparisons ran. */
function expectSameAsXmldsigjs(name: string, xml: string): number {
  const doc = parse(xml);
  if (!doc) return 0;
  let compared = 0;
  // The Document node itself: PIs and comments around the document element.
  expect(exclusiveC14n(doc), `${name}: document`).toBe(xmldsigjsExcC14n(doc as unknown as Element));
  for (const apex of apexes(doc)) {
    for (const inclusivePrefixes of PREFIX_LISTS) {
      const options = { excluded: apex.excluded, inclusivePrefixes };
      if (xmldsigjsDropsInclusiveDefault(apex.element, options)) continue;
      const ours = canonicalize(apex.element, { envelopedSignature: apex.excluded, inclusivePrefixes });
      const what = `${name}: ${apex.label}, PrefixList "${inclusivePrefixes.join(" ")}"`;
      expect(ours, what).toBe(xmldsigjsExcC14n(apex.element, options));
      compared++;
    }
  }
  return compared;
}

/** Attack-shaped edits of a signed response, as the attack suite builds them. */
function attackShapes(xml: string): Record<string, string> {
  const nameIdEdit = (change: (doc: Document, nameId: Element) => void) =>
    edit(xml, (doc, find) => change(doc, find("assertion", "NameID")));
  return {
    "comment in NameID": nameIdEdit((doc, n) => n.insertBefore(doc.createComment("x"), n.firstChild!.nextSibling)),
    "PI in NameID": nameIdEdit((doc, n) => n.appendChild(doc.createProcessingInstruction("evil", "data  here"))),
    "CDATA in NameID": nameIdEdit((doc, n) => n.appendChild(doc.createCDATASection("<&>\"'\r"))),
    "escaping-heavy attribute": nameIdEdit((_, n) => n.setAttribute("SPProvidedID", "a&b<c>d\"e'f\tg\nh\ri")),
    "escaping-heavy text": nameIdEdit((doc, n) => n.appendChild(doc.createTextNode('x&y<z>w"v\r\n\t'))),
    "wrapped copy of the assertion": edit(xml, (doc, find) => {
      const copy = find("assertion", "Assertion").cloneNode(true) as Element;
      copy.setAttribute("ID", "_evil");
      const extensions = doc.createElementNS(NS.protocol, "samlp:Extensions");
      extensions.appendChild(copy);
      doc.documentElement!.insertBefore(extensions, doc.documentElement!.firstChild);
    }),
  };
}

describe("exc-c14n: ours and xmldsigjs's, byte for byte", () => {
  it("on every document of ssoready's corpus", () => {
    let compared = 0;
    for (const [path, xml] of Object.entries(corpus)) compared += expectSameAsXmldsigjs(path, xml);
    expect(compared).toBeGreaterThan(300);
  });

  it.each(Object.keys(fx.responses))("on the xmlsec1 fixture %s", (name) => {
    expect(expectSameAsXmldsigjs(name, fx.responses[name]!)).toBeGreaterThan(0);
  });

  it("on the IdP metadata fixture", () => {
    expect(expectSameAsXmldsigjs("idp metadata", fx.idpMetadata)).toBeGreaterThan(0);
  });

  it.each(["assertion-signed", "both-signed", "inclusive-namespaces", "ecdsa-signed"])(
    "on attack-shaped edits of %s",
    (name) => {
      for (const [shape, xml] of Object.entries(attackShapes(fx.responses[name]!))) {
        expect(expectSameAsXmldsigjs(`${name}, ${shape}`, xml)).toBeGreaterThan(0);
      }
    },
  );
});
