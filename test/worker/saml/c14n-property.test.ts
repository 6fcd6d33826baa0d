import { DOMParser, type Document, type Element } from "@xmldom/xmldom";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exclusiveC14n } from "../../../src/saml/c14n/exclusive-c14n";
import { canonicalize } from "../../../src/saml/canonicalize";
import { xmldsigjsDropsInclusiveDefault, xmldsigjsExcC14n } from "./c14n-xmldsigjs";

/*
 * Property: on random small documents — random namespace declarations, prefixes,
 * attributes, text heavy in characters C14N escapes, CDATA, PIs, comments — our exc-c14n
 * equals xmldsigjs's for the whole document and for any element as the apex, with any
 * descendant excluded (as the enveloped Signature is) and any PrefixList.
 *
 * The generator stays where xmldsigjs follows the spec (c14n-vectors.test.ts pins the
 * spec, checked against xmlsec1, where it does not): no `xmlns=""` undeclarations,
 * namespace URIs of one length (xmldsigjs sorts attributes by the concatenation of
 * namespace URI and local name, which equals the spec's order only then), and no
 * comparison where a `#default` PrefixList meets prefixed elements.
 */
const PREFIXES = ["", "a", "b", "c", "ns1"];
const URIS = ["urn:n:1", "urn:n:2", "urn:n:3", "urn:n:4"];
const LOCAL_NAMES = ["r", "a", "b", "Item", "x-y", "n.1", "_z"];
const ATTRIBUTE_NAMES = ["x", "y", "z", "ID", "attr", "a"];
const CHARS = ["a", "Z", "0", " ", "&", "<", ">", '"', "'", "\t", "\n", "\r", "é", "€", "😀", "]", ";", "#"];

type Tree =
  | {
      kind: "element";
      prefix: string;
      local: string;
      declarations: Array<[string, string]>;
      attributes: Array<[string, string, string]>;
      children: Tree[];
    }
  | { kind: "text"; text: string }
  | { kind: "cdata"; text: string }
  | { kind: "pi"; target: string; data: string }
  | { kind: "comment"; text: string };
type ElementTree = Extract<Tree, { kind: "element" }>;

const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 12 }).map((cs) => cs.join(""));
const declaration = fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...URIS));
const attribute = fc.tuple(fc.constantFrom("", "", "a", "b", "c", "xml"), fc.constantFrom(...ATTRIBUTE_NAMES), text);
const leaf: fc.Arbitrary<Tree> = fc.oneof(
  text.map((t) => ({ kind: "text" as const, text: t })),
  text.map((t) => ({ kind: "cdata" as const, text: t.replace(/]]>/g, "") })),
  fc.record({
    kind: fc.constant("pi" as const),
    target: fc.constantFrom("p", "pi-x", "target"),
    data: fc.constantFrom("", "d", "some data", 'a="1" & <b>'),
  }),
  text.map((t) => ({ kind: "comment" as const, text: t.replace(/-/g, "") })),
);
const { tree } = fc.letrec<{ tree: Tree; element: ElementTree }>((tie) => ({
  tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("element")),
  element: fc.record({
    kind: fc.constant("element" as const),
    prefix: fc.constantFrom(...PREFIXES),
    local: fc.constantFrom(...LOCAL_NAMES),
    declarations: fc.array(declaration, { maxLength: 3 }),
    attributes: fc.array(attribute, { maxLength: 4 }),
    children: fc.array(tie("tree"), { maxLength: 4 }),
  }),
}));
const rootElement = tree.filter((t): t is ElementTree => t.kind === "element");

const escapeText = (t: string) =>
  t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
const escapeAttribute = (t: string) =>
  t
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/"/g, "&quot;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");

/** Well-formed XML for `node`: unbound prefixes get a declaration, clashing attributes are dropped. */
function serialize(node: Tree, scope: ReadonlyMap<string, string>): string {
  switch (node.kind) {
    case "text":
      return escapeText(node.text);
    case "cdata":
      return `<![CDATA[${node.text}]]>`;
    case "pi":
      return node.data ? `<?${node.target} ${node.data}?>` : `<?${node.target}?>`;
    case "comment":
      return `<!--${node.text}-->`;
    case "element":
      return serializeElement(node, scope);
  }
}

function serializeElement(node: ElementTree, outer: ReadonlyMap<string, string>): string {
  const scope = new Map(outer);
  const declared = new Map<string, string>();
  const declare = (prefix: string, uri: string) => {
    if (!declared.has(prefix)) declared.set(prefix, uri);
    scope.set(prefix, declared.get(prefix)!);
  };
  for (const [prefix, uri] of node.declarations) declare(prefix, uri);
  if (node.prefix !== "" && !scope.has(node.prefix)) declare(node.prefix, URIS[0]!);
  const names = new Set<string>();
  const expanded = new Set<string>();
  const attributes: string[] = [];
  for (const [prefix, local, value] of node.attributes) {
    if (prefix !== "" && prefix !== "xml" && !scope.has(prefix)) declare(prefix, URIS[1]!);
    const qname = prefix ? `${prefix}:${local}` : local;
    const uri = prefix === "xml" ? "xml" : prefix ? scope.get(prefix)! : "";
    if (names.has(qname) || expanded.has(`${uri} ${local}`)) continue;
    names.add(qname);
    expanded.add(`${uri} ${local}`);
    attributes.push(` ${qname}="${escapeAttribute(value)}"`);
  }
  const qname = node.prefix ? `${node.prefix}:${node.local}` : node.local;
  const xmlns = [...declared].map(([p, uri]) => (p ? ` xmlns:${p}="${uri}"` : ` xmlns="${uri}"`)).join("");
  const children = node.children.map((c) => serialize(c, scope)).join("");
  return `<${qname}${xmlns}${attributes.join("")}>${children}</${qname}>`;
}

const around = fc.array(fc.constantFrom("<?p d?>", "<!--c-->", "\n", "<?q?>"), { maxLength: 2 }).map((a) => a.join(""));

function elements(doc: Document): Element[] {
  const out: Element[] = [];
  const list = doc.getElementsByTagName("*");
  for (let i = 0; i < list.length; i++) out.push(list.item(i)!);
  return out;
}

function descendants(element: Element): Element[] {
  const out: Element[] = [];
  const list = element.getElementsByTagName("*");
  for (let i = 0; i < list.length; i++) out.push(list.item(i)!);
  return out;
}

describe("exc-c14n on random documents", () => {
  it("equals xmldsigjs's for the document, any apex, any excluded subtree, any PrefixList", () => {
    fc.assert(
      fc.property(
        fc.record({
          root: rootElement,
          before: around,
          after: around,
          apex: fc.nat(),
          excluded: fc.option(fc.nat(), { nil: undefined }),
          prefixes: fc.subarray(["a", "b", "c", "ns1", "xs", "#default"]),
        }),
        ({ root, before, after, apex, excluded, prefixes }) => {
          const xml = `${before}${serialize(root, new Map())}${after}`;
          const doc = new DOMParser({
            onError: (level, message) => {
              throw new Error(`generator made bad XML (${level}: ${message}): ${xml}`);
            },
          }).parseFromString(xml, "application/xml");
          expect(exclusiveC14n(doc)).toBe(xmldsigjsExcC14n(doc as unknown as Element));
          const all = elements(doc);
          const element = all[apex % all.length]!;
          const inside = descendants(element);
          const skip = excluded === undefined || inside.length === 0 ? null : inside[excluded % inside.length]!;
          const options = { excluded: skip, inclusivePrefixes: prefixes };
          if (xmldsigjsDropsInclusiveDefault(element, options)) return;
          const ours = canonicalize(element, { envelopedSignature: skip, inclusivePrefixes: prefixes });
          expect(ours).toBe(xmldsigjsExcC14n(element, options));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
