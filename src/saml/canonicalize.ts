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
 * document subset, on our one DOM: the enveloped Signature is detached and any inclusive
 * namespace declarations are added to the apex only for the duration of this synchronous
 * call, then restored, so nothing else ever observes the change (cloning the subtree
 * instead costs more than the whole signature check). Namespaces declared on ancestors are
 * rendered where visibly used, and on the apex for the inclusive prefixes (exc-c14n §3).
 */
export function canonicalize(element: Element, options: CanonicalizeOptions = {}): string {
  const signature = options.envelopedSignature ?? null;
  const next = signature ? signature.nextSibling : null;
  const added: string[] = [];
  const prefixes = options.inclusivePrefixes ?? [];
  try {
    if (signature) element.removeChild(signature);
    for (const listed of prefixes) {
      const prefix = listed === "#default" ? null : listed;
      const qname = prefix === null ? "xmlns" : `xmlns:${prefix}`;
      const uri = element.hasAttribute(qname) ? null : element.lookupNamespaceURI(prefix);
      if (uri) {
        element.setAttribute(qname, uri);
        added.push(qname);
      }
    }
    const canonicalizer = new XmlCanonicalizer(false, true);
    // Only set when non-empty: xmldsigjs splits "" into [""], which would make the
    // default namespace inclusive.
    if (prefixes.length > 0) {
      canonicalizer.InclusiveNamespacesPrefixList = prefixes.map((p) => (p === "#default" ? "" : p)).join(" ");
    }
    return canonicalizer.Canonicalize(element as unknown as Parameters<XmlCanonicalizer["Canonicalize"]>[0]);
  } finally {
    for (const qname of added) element.removeAttribute(qname);
    if (signature) element.insertBefore(signature, next);
  }
}
