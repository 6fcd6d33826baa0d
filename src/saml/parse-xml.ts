import { DOMParser, type Document, type Element, type Node } from "@xmldom/xmldom";
import { SAML_LIMITS } from "./decode-saml-message";
import { fail, SamlError } from "./saml-error";
import "./xmldom-regex-cache";

/** DOCTYPE or ENTITY anywhere: refused by a plain scan before the parser sees it (SPEC §5, XXE). */
const DOCTYPE_OR_ENTITY = /<!DOCTYPE|<!ENTITY/i;

const ELEMENT_NODE = 1;

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
  const parser = new DOMParser({
    locator: false,
    onError: (level, message) => {
      throw new SamlError("malformed_xml", `${level}: ${message}`);
    },
  });
  let document: Document;
  try {
    document = parser.parseFromString(xml, "application/xml");
  } catch (error) {
    fail("malformed_xml", error instanceof Error ? error.message : "unparsable XML");
  }
  const root = document.documentElement;
  if (!root) fail("malformed_xml", "no root element");
  const ids = new Set(knownIds);
  walkElements(root, ids);
  return { document, ids };
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
