import type { Element } from "@xmldom/xmldom";
import { exclusiveC14n } from "./c14n/exclusive-c14n";

/*
 * The one entry point to canonicalization for signing and verification: exclusive XML
 * canonicalization 1.0 without comments (http://www.w3.org/2001/10/xml-exc-c14n#), our
 * own (./c14n), run on our one DOM. It replaced xmldsigjs's XmlCanonicalizer (issue 6:
 * "replace it with our own verification of the one shape we accept"), which cost 65 ms
 * of module evaluation, needed the subtree mutated around each call, and is kept only as
 * the oracle of the differential tests (test/worker/saml/c14n-differential.test.ts).
 */

/** What to canonicalize besides the element itself. */
export interface CanonicalizeOptions {
  /** A Signature to leave out: the enveloped-signature transform (XML-DSig 6.6.4). */
  envelopedSignature?: Element | null;
  /** exc-c14n InclusiveNamespaces PrefixList ("#default" is the default namespace). */
  inclusivePrefixes?: readonly string[];
}

/**
 * Exclusive XML canonicalization (without comments) of `element` as the apex of a
 * document subset, the enveloped Signature excluded. Namespaces declared on ancestors are
 * rendered where visibly used, and for the inclusive prefixes (exc-c14n §3). The DOM is
 * never modified.
 */
export function canonicalize(element: Element, options: CanonicalizeOptions = {}): string {
  return exclusiveC14n(element, {
    excluded: options.envelopedSignature ?? null,
    inclusivePrefixes: options.inclusivePrefixes ?? [],
  });
}
