/**
 * A namespace-aware element tree over fast-xml-parser, for reading metadata documents.
 * Hostile-input rules come first: a size cap, and no DTD at all (a DOCTYPE or ENTITY
 * declaration is refused by byte scan before any parser sees it, so no entity expansion
 * can happen), then well-formedness is checked before the tree is built.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

/** An element with its namespace resolved from the `xmlns` declarations in scope. */
export interface XmlElement {
  /** Local name, without prefix. */
  localName: string;
  /** Namespace URI, or "" when the element has none. */
  namespace: string;
  /** Unprefixed attributes (the only ones metadata readers consult), entities decoded. */
  attributes: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** Concatenated character data of this element's direct text and CDATA children. */
  text: string;
}

/** Result of {@link parseXmlTree}. */
export type XmlTreeResult = { ok: true; root: XmlElement } | { ok: false; reason: string };

const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";
const TEXT = "#text";
const CDATA = "#cdata";
const ATTRIBUTES = ":@";

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: CDATA,
  maxNestedTags: 64,
});

/**
 * Parses a document into a tree. Refuses documents over `maxBytes` (UTF-8), any DTD,
 * malformed XML, undeclared prefixes and unknown entity references.
 */
export function parseXmlTree(xml: string, maxBytes: number): XmlTreeResult {
  if (typeof xml !== "string") return { ok: false, reason: "XML must be a string" };
  const size = new TextEncoder().encode(xml).byteLength;
  if (size > maxBytes) return { ok: false, reason: `XML is ${size} bytes; the limit is ${maxBytes}` };
  const text = xml.replace(/^\uFEFF/, "");
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    return { ok: false, reason: "XML with a DOCTYPE or ENTITY declaration is refused" };
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, reason: `malformed XML: ${valid.err.msg} (line ${valid.err.line})` };
  let nodes: unknown;
  try {
    nodes = parser.parse(text);
  } catch (error) {
    return { ok: false, reason: `malformed XML: ${error instanceof Error ? error.message : "parse error"}` };
  }
  const roots = (Array.isArray(nodes) ? (nodes as OrderedNode[]) : []).filter((n) => elementName(n) !== undefined);
  if (roots.length !== 1 || !roots[0]) return { ok: false, reason: "XML must have exactly one root element" };
  try {
    return { ok: true, root: toElement(roots[0], new Map([["xml", XML_NAMESPACE]])) };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : "invalid XML" };
  }
}

/** Direct children of `parent` with the given namespace and local name. */
export function childElements(parent: XmlElement, namespace: string, localName: string): XmlElement[] {
  return parent.children.filter((c) => c.namespace === namespace && c.localName === localName);
}

function elementName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ATTRIBUTES && k !== TEXT && k !== CDATA && !k.startsWith("?"));
}

function toElement(node: OrderedNode, inherited: ReadonlyMap<string, string>): XmlElement {
  const qname = elementName(node) ?? "";
  const rawAttributes = (node[ATTRIBUTES] ?? {}) as Record<string, string>;
  const scope = new Map(inherited);
  const attributes = new Map<string, string>();
  for (const [name, raw] of Object.entries(rawAttributes)) {
    const value = decodeEntities(String(raw));
    if (name === "xmlns") scope.set("", value);
    else if (name.startsWith("xmlns:")) scope.set(name.slice(6), value);
    else if (!name.includes(":")) attributes.set(name, value);
  }
  const colon = qname.indexOf(":");
  const prefix = colon === -1 ? "" : qname.slice(0, colon);
  const namespace = scope.get(prefix);
  if (prefix !== "" && namespace === undefined) throw new Error(`undeclared namespace prefix "${prefix}"`);
  const element: XmlElement = {
    localName: colon === -1 ? qname : qname.slice(colon + 1),
    namespace: namespace ?? "",
    attributes,
    children: [],
    text: "",
  };
  const content = node[qname];
  for (const child of Array.isArray(content) ? (content as OrderedNode[]) : []) {
    if (TEXT in child) element.text += decodeEntities(String(child[TEXT]));
    else if (CDATA in child) element.text += cdataText(child[CDATA]);
    else if (elementName(child) !== undefined) element.children.push(toElement(child, scope));
  }
  return element;
}

function cdataText(value: unknown): string {
  if (!Array.isArray(value)) return String(value ?? "");
  return value.map((part: OrderedNode) => String(part[TEXT] ?? "")).join("");
}

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** XML 1.0 §4.6 predefined entities and §4.1 character references; anything else is an error. */
function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(";")) throw new Error("malformed XML: bare & in character data");
    const named = NAMED_ENTITIES[name];
    if (named !== undefined) return named;
    const numeric = /^#x([0-9a-fA-F]{1,6})$/.exec(name) ?? /^#([0-9]{1,7})$/.exec(name);
    const code = numeric?.[1] === undefined ? NaN : parseInt(numeric[1], name.startsWith("#x") ? 16 : 10);
    if (!Number.isFinite(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      throw new Error(`malformed XML: unknown entity reference &${name};`);
    }
    return String.fromCodePoint(code);
  });
}
