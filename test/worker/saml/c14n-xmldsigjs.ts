import { DOMParser, XMLSerializer, type Element } from "@xmldom/xmldom";
import { setNodeDependencies } from "xml-core";
import { XmlCanonicalizer } from "xmldsigjs";

/*
 * The oracle of the c14n differential tests: xmldsigjs's exclusive canonicalizer, driven
 * exactly as src/saml/canonicalize.ts drove it before our own implementation replaced it
 * (the enveloped Signature detached, inclusive namespaces declared on ancestors copied
 * onto the apex, both restored afterwards). xmldsigjs is a devDependency for this alone.
 */
setNodeDependencies({ DOMParser, XMLSerializer });

export interface OracleOptions {
  excluded?: Element | null;
  inclusivePrefixes?: readonly string[];
}

/** xmldsigjs's exc-c14n (without comments) of `element` as the apex. */
export function xmldsigjsExcC14n(element: Element, options: OracleOptions = {}): string {
  const excluded = options.excluded ?? null;
  const parent = excluded ? excluded.parentNode : null;
  const next = excluded ? excluded.nextSibling : null;
  const prefixes = options.inclusivePrefixes ?? [];
  const added: string[] = [];
  try {
    if (excluded && parent) parent.removeChild(excluded);
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
    if (prefixes.length > 0) {
      canonicalizer.InclusiveNamespacesPrefixList = prefixes.map((p) => (p === "#default" ? "" : p)).join(" ");
    }
    return canonicalizer.Canonicalize(element as unknown as Parameters<XmlCanonicalizer["Canonicalize"]>[0]);
  } finally {
    for (const qname of added) element.removeAttribute(qname);
    if (excluded && parent) parent.insertBefore(excluded, next);
  }
}

/**
 * Where xmldsigjs departs from exc-c14n: with `#default` in the PrefixList it drops the
 * default namespace declaration a prefixed element should carry (xmlsec1 renders it; see
 * c14n-vectors.test.ts), and unprefixed descendants then declare it instead. True when
 * that can happen here: `#default` listed and some prefixed element of the subset has a
 * non-empty default namespace in scope. Those cases are pinned by the vectors instead.
 */
export function xmldsigjsDropsInclusiveDefault(apex: Element, options: OracleOptions = {}): boolean {
  if (!(options.inclusivePrefixes ?? []).includes("#default")) return false;
  const excluded = options.excluded ?? null;
  const visit = (element: Element): boolean => {
    if (element === excluded) return false;
    if (element.prefix && defaultNamespaceInScope(element)) return true;
    for (let n = element.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 1 && visit(n as Element)) return true;
    }
    return false;
  };
  return visit(apex);
}

function defaultNamespaceInScope(element: Element): string {
  for (let n: Element | null = element; n && n.nodeType === 1; n = n.parentNode as Element | null) {
    if (n.hasAttribute("xmlns")) return n.getAttribute("xmlns") ?? "";
  }
  return "";
}
