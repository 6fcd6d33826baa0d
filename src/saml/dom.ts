import type { Element, Node } from "@xmldom/xmldom";
import { fail } from "./saml-error";

/**
 * DOM helpers that find elements by namespace URI + local name, never by prefix and
 * never by XPath (SPEC §5; XPath and prefix matching are how wrapping attacks slip in).
 */
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

/** True when `node` is an element named {ns}local. */
export function isElementNamed(node: Node | null, ns: string, local: string): node is Element {
  return (
    node !== null &&
    node.nodeType === ELEMENT_NODE &&
    (node as Element).namespaceURI === ns &&
    (node as Element).localName === local
  );
}

/** The element children of `parent`. */
export function childElements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE) out.push(n as Element);
  }
  return out;
}

/** The direct children of `parent` named {ns}local. */
export function childrenNamed(parent: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (isElementNamed(n, ns, local)) out.push(n);
  }
  return out;
}

/** The only direct child named {ns}local, `null` when absent; more than one throws `code`. */
export function optionalChild(
  parent: Element,
  ns: string,
  local: string,
  code: "malformed_xml" | "signature_shape" = "malformed_xml",
): Element | null {
  const found = childrenNamed(parent, ns, local);
  if (found.length > 1) fail(code, `more than one ${local} in ${parent.localName}`);
  return found[0] ?? null;
}

/** Every descendant of `root` (not `root` itself) named {ns}local, in document order. */
export function descendantsNamed(root: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  const stack: Node[] = [];
  for (let n = root.lastChild; n; n = n.previousSibling) stack.push(n);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType !== ELEMENT_NODE) continue;
    if (isElementNamed(node, ns, local)) out.push(node);
    for (let n = node.lastChild; n; n = n.previousSibling) stack.push(n);
  }
  return out;
}

/**
 * The value of an element that must hold only character data: its Text and CDATA
 * children concatenated. A comment, processing instruction or child element rejects with
 * `non_text_value` (SPEC §5): truncating at a comment is how "user@evil.com<!---->.good.com"
 * logs in as someone else.
 */
export function strictText(element: Element): string {
  let text = "";
  for (let n = element.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === TEXT_NODE || n.nodeType === CDATA_SECTION_NODE) {
      text += n.nodeValue ?? "";
    } else {
      fail("non_text_value", `${element.localName} holds a node of type ${n.nodeType}`);
    }
  }
  return text;
}

/**
 * An AttributeValue's content: its text (as {@link strictText}), or `null` when it holds
 * child elements (Shibboleth's eduPersonTargetedID carries a NameID; SPEC §5). A comment or
 * processing instruction anywhere inside rejects with `non_text_value` either way.
 */
export function textOrElements(element: Element): string | null {
  let holdsElements = false;
  const stack: Node[] = [];
  for (let n = element.lastChild; n; n = n.previousSibling) stack.push(n);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType === ELEMENT_NODE) {
      holdsElements = true;
      for (let n = node.lastChild; n; n = n.previousSibling) stack.push(n);
    } else if (node.nodeType !== TEXT_NODE && node.nodeType !== CDATA_SECTION_NODE) {
      fail("non_text_value", `${element.localName} holds a node of type ${node.nodeType}`);
    }
  }
  return holdsElements ? null : strictText(element);
}

/** An attribute value, `null` when absent (xmldom returns "" for missing attributes). */
export function attr(element: Element, name: string): string | null {
  return element.hasAttribute(name) ? element.getAttribute(name) : null;
}
