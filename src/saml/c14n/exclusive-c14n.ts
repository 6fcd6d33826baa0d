import type { Attr, Document, Element, Node } from "@xmldom/xmldom";
import { compareCodePoints } from "./compare-code-points";
import { escapeC14nAttribute, escapeC14nText } from "./escape";

/*
 * Exclusive XML Canonicalization 1.0 without comments
 * (http://www.w3.org/2001/10/xml-exc-c14n#, W3C REC 2002) over an @xmldom/xmldom DOM.
 *
 * The node-set is always a whole subtree (a document, or an element as the apex of a
 * document subset, as a same-document `#id` Reference selects it), minus at most one
 * excluded subtree (the enveloped-signature transform, XML-DSig §6.6.4). That makes the
 * XPath machinery of the spec collapse into one walk:
 *
 * - a namespace is rendered on an element when the element visibly utilizes it (its own
 *   prefix, or the prefix of one of its attributes; the default namespace when it is
 *   unprefixed) or its prefix is in the InclusiveNamespaces PrefixList and it is in scope,
 *   unless the nearest output ancestor already rendered the same prefix with the same
 *   value (exc-c14n §3). `rendered` holds exactly that, along the output ancestors.
 *   An unprefixed element without a default namespace under an output ancestor that
 *   rendered a non-empty one gets `xmlns=""` (C14N §2.3, by the same rule);
 * - the `xml` prefix is never declared; `xml:*` attributes are not inherited (exc-c14n §3,
 *   unlike inclusive C14N);
 * - namespace declarations come first, sorted by prefix (the default one first), then the
 *   attributes, sorted by namespace URI and then local name, unqualified ones first (C14N
 *   §2.2, "Document Order");
 * - empty elements are written as start/end tag pairs; comments are dropped; processing
 *   instructions are kept, outside the document element separated by a line feed;
 * - escaping is C14N §2.3's exactly (./escape.ts).
 *
 * Which namespaces an element uses comes from the DOM's own `prefix`/`namespaceURI` (what
 * the parser bound), never from re-reading xmlns attributes, so a DOM built with
 * createElementNS canonicalizes as it would serialize.
 */

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const ENTITY_REFERENCE_NODE = 5;
const PROCESSING_INSTRUCTION_NODE = 7;
const DOCUMENT_NODE = 9;

/** What exc-c14n is asked to do besides the subtree itself. */
export interface ExclusiveC14nOptions {
  /** A node left out with its whole subtree: the Signature of the enveloped-signature transform. */
  excluded?: Node | null;
  /** The InclusiveNamespaces PrefixList; `#default` names the default namespace (exc-c14n §4.1). */
  inclusivePrefixes?: readonly string[];
}

/**
 * Canonicalize a document, or an element as the apex of a document subset, with
 * exclusive XML canonicalization 1.0 (without comments). Namespaces declared on the
 * apex's ancestors count as in scope; they are rendered only where visibly used or
 * listed as inclusive.
 */
export function exclusiveC14n(node: Element | Document, options: ExclusiveC14nOptions = {}): string {
  const inclusive = (options.inclusivePrefixes ?? []).map((p) => (p === "#default" ? "" : p));
  const writer = new C14nWriter(options.excluded ?? null, inclusive);
  if (node.nodeType === DOCUMENT_NODE) writer.document(node as Document);
  else writer.element(node as Element);
  return writer.out;
}

/** One namespace declaration to render: prefix ("" for the default namespace) and URI. */
type Declaration = [prefix: string, uri: string];

class C14nWriter {
  out = "";
  /** Prefix → URI as rendered by the output ancestors ("" → "" is the start state). */
  private readonly rendered = new Map<string, string>();

  private readonly excluded: Node | null;
  private readonly inclusive: readonly string[];

  // No parameter properties: the CLI runs these sources with Node's type stripping.
  constructor(excluded: Node | null, inclusive: readonly string[]) {
    this.excluded = excluded;
    this.inclusive = inclusive;
  }

  /** The document: PIs around the document element on their own lines (C14N §2.1). */
  document(document: Document): void {
    let afterRoot = false;
    for (let child = document.firstChild; child; child = child.nextSibling) {
      if (child === this.excluded) continue;
      if (child.nodeType === ELEMENT_NODE) {
        this.element(child as Element);
        afterRoot = true;
      } else if (child.nodeType === PROCESSING_INSTRUCTION_NODE) {
        const pi = processingInstruction(child);
        if (pi) this.out += afterRoot ? `\n${pi}` : `${pi}\n`;
      }
    }
  }

  element(element: Element): void {
    const name = element.tagName;
    this.out += `<${name}`;
    const restore = this.namespaces(element);
    this.attributes(element);
    this.out += ">";
    this.children(element);
    this.out += `</${name}>`;
    for (let i = restore.length - 1; i >= 0; i--) {
      const [prefix, previous] = restore[i]!;
      if (previous === undefined) this.rendered.delete(prefix);
      else this.rendered.set(prefix, previous);
    }
  }

  private children(parent: Node): void {
    for (let child = parent.firstChild; child; child = child.nextSibling) {
      if (child === this.excluded) continue;
      switch (child.nodeType) {
        case ELEMENT_NODE:
          this.element(child as Element);
          break;
        case TEXT_NODE:
        case CDATA_SECTION_NODE:
          this.out += escapeC14nText((child as unknown as { data: string }).data);
          break;
        case PROCESSING_INSTRUCTION_NODE:
          this.out += processingInstruction(child);
          break;
        case ENTITY_REFERENCE_NODE:
          this.children(child);
          break;
        // Comments (without-comments variant), and nothing else can appear in an element.
      }
    }
  }

  /**
   * Write the namespace declarations `element` needs (exc-c14n §3) and record them as
   * rendered; returns what to restore once the element is closed.
   */
  private namespaces(element: Element): Array<[prefix: string, previous: string | undefined]> {
    const needed: Declaration[] = [];
    this.need(needed, element.prefix ?? "", element.namespaceURI ?? "");
    const attributes = element.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const attribute = attributes[i]!;
      if (isNamespaceDeclaration(attribute) || !attribute.prefix) continue;
      this.need(needed, attribute.prefix, attribute.namespaceURI ?? "");
    }
    for (const prefix of this.inclusive) {
      const uri = inScopeNamespace(element, prefix);
      if (uri !== null) this.need(needed, prefix, uri);
    }
    if (needed.length === 0) return [];
    if (needed.length > 1) needed.sort((a, b) => compareCodePoints(a[0], b[0]));
    const restore: Array<[string, string | undefined]> = [];
    for (const [prefix, uri] of needed) {
      this.out += prefix === "" ? ` xmlns="${escapeC14nAttribute(uri)}"` : ` xmlns:${prefix}="${escapeC14nAttribute(uri)}"`;
      restore.push([prefix, this.rendered.get(prefix)]);
      this.rendered.set(prefix, uri);
    }
    return restore;
  }

  /** Add prefix → uri unless it is `xml`, already rendered identically, or already listed. */
  private need(needed: Declaration[], prefix: string, uri: string): void {
    if (prefix === "xml") return;
    // A prefix bound to no namespace cannot be declared (Namespaces in XML §3).
    if (prefix !== "" && uri === "") return;
    const current = this.rendered.get(prefix) ?? (prefix === "" ? "" : undefined);
    if (current === uri) return;
    for (const [listed] of needed) if (listed === prefix) return;
    needed.push([prefix, uri]);
  }

  /** Attributes other than namespace declarations, by namespace URI then local name (C14N §2.2). */
  private attributes(element: Element): void {
    const attributes = element.attributes;
    const list: Attr[] = [];
    for (let i = 0; i < attributes.length; i++) {
      const attribute = attributes[i]!;
      if (!isNamespaceDeclaration(attribute)) list.push(attribute);
    }
    if (list.length > 1) list.sort(compareAttributes);
    for (const attribute of list) {
      this.out += ` ${attribute.name}="${escapeC14nAttribute(attribute.value)}"`;
    }
  }
}

function compareAttributes(a: Attr, b: Attr): number {
  return (
    compareCodePoints(a.namespaceURI ?? "", b.namespaceURI ?? "") ||
    compareCodePoints(a.localName ?? a.name, b.localName ?? b.name)
  );
}

function isNamespaceDeclaration(attribute: Attr): boolean {
  const name = attribute.name;
  return name === "xmlns" || name.startsWith("xmlns:");
}

/** `<?target data?>`, or `<?target?>` without data; "" for the XML declaration. */
function processingInstruction(node: Node): string {
  const { target, data } = node as unknown as { target: string; data: string };
  if (target === "xml") return "";
  return data ? `<?${target} ${data}?>` : `<?${target}?>`;
}

/**
 * The URI `prefix` ("" for the default namespace) is bound to at `element`, looking at
 * the element and its ancestors: their xmlns declarations and, for DOMs built with
 * createElementNS, their own bindings. `null` when unbound ("" for an unbound default).
 */
function inScopeNamespace(element: Element, prefix: string): string | null {
  const declaration = prefix === "" ? "xmlns" : `xmlns:${prefix}`;
  for (let node: Node | null = element; node && node.nodeType === ELEMENT_NODE; node = node.parentNode) {
    const el = node as Element;
    const declared = el.getAttributeNode(declaration);
    if (declared) return declared.value;
    if ((el.prefix ?? "") === prefix) return el.namespaceURI ?? "";
    if (prefix !== "") {
      const attributes = el.attributes;
      for (let i = 0; i < attributes.length; i++) {
        const attribute = attributes[i]!;
        if (attribute.prefix === prefix && !isNamespaceDeclaration(attribute)) return attribute.namespaceURI ?? "";
      }
    }
  }
  return prefix === "" ? "" : null;
}
