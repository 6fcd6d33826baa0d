import { DOMParser, type Document, type Element, type Node } from "@xmldom/xmldom";
import { SAML_LIMITS } from "./decode-saml-message";
import { fail, SamlError } from "./saml-error";
import "./xmldom-regex-cache";

/** DOCTYPE or ENTITY anywhere: refused by a plain scan before the parser sees it (SPEC §5, XXE). */
const DOCTYPE_OR_ENTITY = /<!DOCTYPE|<!ENTITY/i;

const ELEMENT_NODE = 1;

/** The XML declaration at the start of a document (XML 1.0 §2.8; xmldom checks its grammar). */
const XML_DECLARATION = /^<\?xml[\t\n\r ][^>]*?\?>/;
const PSEUDO_ATTRIBUTE = /\b(version|encoding)[\t\n\r ]*=[\t\n\r ]*(?:"([^"]*)"|'([^']*)')/g;

/** A character reference (XML 1.0 §4.1). */
const CHARACTER_REFERENCE = /&#(?:x([0-9A-Fa-f]+)|([0-9]+));/g;

/**
 * Line ends as XML 1.0 §2.11 defines them, as libxml2 (and so xmlsec1 and most IdPs) reads
 * them: CRLF and a lone CR become LF. xmldom's default also turns U+0085, U+2028 and
 * U+2029 into LF, as XML 1.1 does; under XML 1.0 they are ordinary characters, and an SP
 * that reads a LF where the IdP signed a U+2028 reads other bytes than were signed.
 */
function normalizeLineEnds(xml: string): string {
  return xml.replace(/\r\n?/g, "\n");
}

/** A parsed document and the ID values it holds. */
export interface ParsedXml {
  document: Document;
  /** Every `ID`/`Id`/`id` attribute value of the document. */
  ids: Set<string>;
}

/**
 * Parse XML the one way SPEC §5 allows: DOCTYPE/ENTITY refused before parsing;
 * @xmldom/xmldom throwing on every warning and error; then depth, element count and ID
 * uniqueness checked in one walk. `knownIds` are IDs of an enclosing document (a
 * decrypted assertion may not reuse its Response's IDs).
 */
export function parseXml(xml: string, knownIds?: ReadonlySet<string>): ParsedXml {
  if (DOCTYPE_OR_ENTITY.test(xml)) fail("doctype_forbidden", "DOCTYPE or ENTITY declaration");
  checkXmlDeclaration(xml);
  checkCharacterReferences(xml);
  // xmldom wraps what onError throws for a fatal error in a ParseError of its own, whose
  // message repeats ours; the first report is the one to give.
  let reported: SamlError | undefined;
  const parser = new DOMParser({
    locator: false,
    normalizeLineEndings: normalizeLineEnds,
    onError: (level, message) => {
      reported ??= new SamlError("malformed_xml", `${level}: ${message}`);
      throw reported;
    },
  });
  let document: Document;
  try {
    document = parser.parseFromString(xml, "application/xml");
  } catch (error) {
    if (reported) throw reported;
    fail("malformed_xml", error instanceof Error ? error.message : "unparsable XML");
  }
  const root = document.documentElement;
  if (!root) fail("malformed_xml", "no root element");
  const ids = new Set(knownIds);
  walkElements(root, ids);
  return { document, ids };
}

/**
 * SPEC §5: an XML declaration may name no encoding but UTF-8, and the document is XML 1.0.
 * xmldom ignores the encoding (the text is already decoded, strictly, as UTF-8) where
 * libxml2 would decode the bytes as the declared one; and XML 1.1 reads other line ends.
 * "UTF-8" is matched case-insensitively (XML 1.0 §4.3.3), and only that IANA name: libxml2
 * also takes "UTF8", but no IdP needs it, so it is refused too.
 */
export function checkXmlDeclaration(xml: string): void {
  const declaration = XML_DECLARATION.exec(xml)?.[0];
  if (!declaration) return;
  for (const [, name, double, single] of declaration.matchAll(PSEUDO_ATTRIBUTE)) {
    const value = double ?? single ?? "";
    if (name === "encoding" && value.toLowerCase() !== "utf-8") {
      fail("bad_encoding", `the XML declaration names encoding "${value}"; only UTF-8 is read`);
    }
    if (name === "version" && value !== "1.0") fail("malformed_xml", `XML version "${value}"; only 1.0 is read`);
  }
}

/**
 * A character reference must name a character XML 1.0 allows (§2.2, WFC: Legal Character),
 * as libxml2 insists; xmldom decodes `&#1;` to U+0001 as XML 1.1 would.
 */
function checkCharacterReferences(xml: string): void {
  if (!xml.includes("&#")) return;
  for (const [, hex, decimal] of xml.matchAll(CHARACTER_REFERENCE)) {
    const code = hex !== undefined ? parseInt(hex, 16) : Number(decimal);
    if (!isXmlChar(code)) fail("malformed_xml", `character reference to U+${code.toString(16).toUpperCase()}`);
  }
}

/** Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF] (XML 1.0 §2.2). */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** One iterative walk: depth ≤ 64, count ≤ 5,000, every ID unique (SPEC §5). */
function walkElements(root: Element, ids: Set<string>): void {
  let count = 0;
  let depth = 1;
  let node: Node | null = root;
  while (node) {
    if (node.nodeType === ELEMENT_NODE) {
      count++;
      if (count > SAML_LIMITS.maxElements) fail("too_large", `more than ${SAML_LIMITS.maxElements} elements`);
      if (depth > SAML_LIMITS.maxDepth) fail("too_deep", `element depth above ${SAML_LIMITS.maxDepth}`);
      collectIds(node as Element, ids);
      if (node.firstChild) {
        node = node.firstChild;
        depth++;
        continue;
      }
    }
    while (node && !node.nextSibling) {
      node = node.parentNode;
      depth--;
      if (node === root || depth <= 0) return;
    }
    if (!node || node === root) return;
    node = node.nextSibling;
  }
}

/**
 * Count `ID`, `Id` and `id` attributes, whatever their namespace, Signature subtrees
 * included. Also caps the attributes of one element: canonicalization's cost grows with
 * namespace declarations in scope, and no SAML message needs more than a few.
 */
function collectIds(element: Element, ids: Set<string>): void {
  const attributes = element.attributes;
  if (attributes.length > SAML_LIMITS.maxAttributesPerElement) {
    fail(
      "too_large",
      `${attributes.length} attributes on one element (at most ${SAML_LIMITS.maxAttributesPerElement})`,
    );
  }
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes.item(i);
    if (!attribute) continue;
    const name = attribute.localName ?? attribute.name;
    if (name !== "ID" && name !== "Id" && name !== "id") continue;
    if (ids.has(attribute.value)) fail("duplicate_id", `ID "${attribute.value}" appears twice`);
    ids.add(attribute.value);
  }
}
