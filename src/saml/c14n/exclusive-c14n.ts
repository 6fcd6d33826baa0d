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
  const writer = new C14nWriter(node, options.excluded ?? null, inclusive);
  if (node.nodeType === DOCUMENT_NODE) writer.document(node as Document);
  else writer.element(node as Element);
  return writer.out;
}

/** What to undo when an element closes: a prefix and the value it had before (`undefined`: none). */
type Restore = Array<[prefix: string, previous: string | undefined]>;

class C14nWriter {
  out = "";
  /** Prefix → URI as rendered by the output ancestors ("" → "" is the start state). */
  private readonly rendered = new Map<string, string>();
  /**
   * Prefix → URI in scope at the current element, kept only when a PrefixList needs it:
   * one update per element, so a long PrefixList costs a lookup per prefix, not a walk
   * up the ancestors.
   */
  private readonly scope: Map<string, string> | null;
  private readonly excluded: Node | null;
  private readonly inclusive: readonly string[];

  // No parameter properties: the CLI runs these sources with Node's type stripping.
  constructor(apex: Node, excluded: Node | null, inclusive: readonly string[]) {
    this.excluded = excluded;
    this.inclusive = inclusive;
    this.scope = inclusive.length > 0 ? new Map() : null;
    if (this.scope) {
      const ancestors: Element[] = [];
      for (let n = apex.parentNode; n && n.nodeType === ELEMENT_NODE; n = n.parentNode) ancestors.push(n as Element);
      for (let i = ancestors.length - 1; i >= 0; i--) enterScope(this.scope, ancestors[i]!, null);
    }
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
    const scopeRestore: Restore | null = this.scope ? [] : null;
    if (this.scope) enterScope(this.scope, element, scopeRestore);
    const renderedRestore = this.namespaces(element);
    this.attributes(element);
    this.out += ">";
    this.children(element);
    this.out += `</${name}>`;
    undo(this.rendered, renderedRestore);
    if (this.scope) undo(this.scope, scopeRestore!);
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
  private namespaces(element: Element): Restore {
    const needed = new Map<string, string>();
    this.need(needed, element.prefix ?? "", element.namespaceURI ?? "");
    const attributes = element.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const attribute = attributes[i]!;
      if (isNamespaceDeclaration(attribute) || !attribute.prefix) continue;
      this.need(needed, attribute.prefix, attribute.namespaceURI ?? "");
    }
    if (this.scope) {
      for (const prefix of this.inclusive) {
        const uri = this.scope.get(prefix) ?? (prefix === "" ? "" : undefined);
        if (uri !== undefined) this.need(needed, prefix, uri);
      }
    }
    if (needed.size === 0) return [];
    const prefixes = [...needed.keys()];
    if (prefixes.length > 1) prefixes.sort(compareCodePoints);
    const restore: Restore = [];
    for (const prefix of prefixes) {
      const uri = needed.get(prefix)!;
      this.out +=
        prefix === "" ? ` xmlns="${escapeC14nAttribute(uri)}"` : ` xmlns:${prefix}="${escapeC14nAttribute(uri)}"`;
      restore.push([prefix, this.rendered.get(prefix)]);
      this.rendered.set(prefix, uri);
    }
    return restore;
  }

  /** Add prefix → uri unless it is `xml`, already rendered identically, or already listed. */
  private need(needed: Map<string, string>, prefix: string, uri: string): void {
    if (prefix === "xml" || needed.has(prefix)) return;
    // A prefix bound to no namespace cannot be declared (Namespaces in XML §3).
    if (prefix !== "" && uri === "") return;
    const current = this.rendered.get(prefix) ?? (prefix === "" ? "" : undefined);
    if (current !== uri) needed.set(prefix, uri);
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
 * Bring `element`'s bindings into `scope`: its own prefix and its attributes' (what the
 * DOM bound, which is all a DOM built with createElementNS has), then its xmlns
 * declarations. Previous values go to `restore` when given.
 */
function enterScope(scope: Map<string, string>, element: Element, restore: Restore | null): void {
  const bind = (prefix: string, uri: string) => {
    if (restore) restore.push([prefix, scope.get(prefix)]);
    scope.set(prefix, uri);
  };
  bind(element.prefix ?? "", element.namespaceURI ?? "");
  const attributes = element.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes[i]!;
    const name = attribute.name;
    if (name === "xmlns") bind("", attribute.value);
    else if (name.startsWith("xmlns:")) bind(name.slice(6), attribute.value);
    else if (attribute.prefix) bind(attribute.prefix, attribute.namespaceURI ?? "");
  }
}

/** Put back what `restore` recorded, last change first. */
function undo(map: Map<string, string>, restore: Restore): void {
  for (let i = restore.length - 1; i >= 0; i--) {
    const [prefix, previous] = restore[i]!;
    if (previous === undefined) map.delete(prefix);
    else map.set(prefix, previous);
  }
}
