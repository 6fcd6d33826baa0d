import { DOMParser, XMLSerializer, type Element } from "@xmldom/xmldom";
import { setNodeDependencies } from "xml-core";
import { XmlCanonicalizer } from "xmldsigjs";

/*
 * The one wrapper around xmldsigjs (STYLE 12): its exclusive canonicalization
 * (http://www.w3.org/2001/10/xml-exc-c14n#, without comments) run on our one DOM. We
 * never call SignedXml.Verify(): it re-serializes, runs XPath, re-imports the key on
 * every call and, without a key, trusts KeyInfo (issue 3).
 */

// workerd has no DOMParser; xml-core resolves these lazily and we never use its XPath.
setNodeDependencies({ DOMParser, XMLSerializer });

/** What to canonicalize besides the element itself. */
export interface CanonicalizeOptions {
  /** A child Signature to leave out: the enveloped-signature transform (XML-DSig 6.6.4). */
  envelopedSignature?: Element | null;
  /** exc-c14n InclusiveNamespaces PrefixList ("#default" is the default namespace). */
  inclusivePrefixes?: readonly string[];
}

/**
 * Exclusive XML canonicalization (without comments) of `element` as the apex of a
 * document subset. Works on a clone so the verified DOM is never mutated; namespaces
 * declared on ancestors are rendered where visibly used, and on the apex for the
 * inclusive prefixes, as exc-c14n §3 requires.
 */
export function canonicalize(element: Element, options: CanonicalizeOptions = {}): string {
  const clone = element.cloneNode(true) as Element;
  if (options.envelopedSignature) removeMatchingChild(element, clone, options.envelopedSignature);
  const prefixes = options.inclusivePrefixes ?? [];
  for (const listed of prefixes) {
    const prefix = listed === "#default" ? null : listed;
    const qname = prefix === null ? "xmlns" : `xmlns:${prefix}`;
    if (clone.hasAttribute(qname)) continue;
    const uri = element.lookupNamespaceURI(prefix);
    if (uri) clone.setAttribute(qname, uri);
  }
  const canonicalizer = new XmlCanonicalizer(false, true);
  // Only set when non-empty: xmldsigjs splits "" into [""], which would make the
  // default namespace inclusive.
  if (prefixes.length > 0) {
    canonicalizer.InclusiveNamespacesPrefixList = prefixes.map((p) => (p === "#default" ? "" : p)).join(" ");
  }
  return canonicalizer.Canonicalize(clone as unknown as Parameters<XmlCanonicalizer["Canonicalize"]>[0]);
}

/** Remove from `clone` the child at the position `child` holds in `original`. */
function removeMatchingChild(original: Element, clone: Element, child: Element): void {
  let index = 0;
  for (let n = original.firstChild; n && n !== child; n = n.nextSibling) index++;
  const target = clone.childNodes.item(index);
  if (target) clone.removeChild(target);
}
