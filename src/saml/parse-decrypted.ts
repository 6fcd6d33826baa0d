import type { Element } from "@xmldom/xmldom";
import { childElements, isElementNamed } from "./dom";
import { NS } from "./namespaces";
import { checkXmlDeclaration, parseXml, type ParsedXml } from "./parse-xml";
import { fail, SamlError } from "./saml-error";

const XML_DECLARATION = /^\s*<\?xml[^>]*\?>/;
const WRAPPER = "edge-sso-decrypted";

/** A decrypted element, and the IDs of the enclosing document and the plaintext together. */
export interface DecryptedElement {
  element: Element;
  ids: ReadonlySet<string>;
}

/**
 * Parse the plaintext of an encrypted element, which must be exactly one {ns}local
 * element. A serialized element may use prefixes declared on the ancestors of the
 * encrypted element, so it is parsed inside a wrapper declaring the namespaces in scope
 * there (as xmlsec1 parses "in node context"). The plaintext passes the input rules again
 * and any failure there is `decryption_failed` (SPEC §5: garbage from a wrong key or a
 * tampered CBC ciphertext must look like every other decryption failure). A well-formed
 * plaintext passes the structure rules with their own codes: its IDs must not repeat the
 * enclosing document's (`duplicate_id`), and a second Assertion beside it is
 * `multiple_assertions`.
 */
export function parseDecrypted(
  plaintext: string,
  context: Element,
  expected: { ns: string; local: string },
  knownIds: ReadonlySet<string>,
): DecryptedElement {
  let parsed: ParsedXml;
  try {
    // The wrapper cannot hold the plaintext's XML declaration: checked (SPEC §5), then dropped.
    checkXmlDeclaration(plaintext.trimStart());
    const content = plaintext.replace(XML_DECLARATION, "");
    parsed = parseXml(`<${WRAPPER}${namespaceDeclarations(context)}>${content}</${WRAPPER}>`, knownIds);
  } catch (error) {
    if (error instanceof SamlError && error.code === "duplicate_id") fail("duplicate_id", `plaintext: ${error.detail}`);
    if (error instanceof SamlError) fail("decryption_failed", `plaintext ${error.code}: ${error.detail}`);
    throw error;
  }
  const wrapper = parsed.document.documentElement!;
  const children = childElements(wrapper);
  const named = children.filter((c) => isElementNamed(c, expected.ns, expected.local));
  if (named.length > 1 && expected.local === "Assertion") {
    fail("multiple_assertions", `the plaintext holds ${named.length} assertions`);
  }
  const only = children[0];
  if (children.length !== 1 || named.length !== 1) fail("decryption_failed", `plaintext is not one ${expected.local}`);
  for (let n = wrapper.firstChild; n; n = n.nextSibling) {
    if (n !== only && (n.nodeType !== 3 || (n.nodeValue ?? "").trim() !== "")) {
      fail("decryption_failed", `plaintext holds more than one ${expected.local}`);
    }
  }
  return { element: only!, ids: parsed.ids };
}

/** ` xmlns:p="uri"` for every prefix in scope at `context` (nearest declaration wins). */
function namespaceDeclarations(context: Element): string {
  const seen = new Map<string, string>();
  for (let e: Element | null = context; e && e.nodeType === 1; e = e.parentNode as Element | null) {
    const attributes = e.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes.item(i)!;
      if (a.namespaceURI !== NS.xmlns) continue;
      const name = a.prefix ? `xmlns:${a.localName}` : "xmlns";
      if (!seen.has(name)) seen.set(name, a.value);
    }
  }
  let out = "";
  for (const [name, uri] of seen) out += ` ${name}="${escapeAttribute(uri)}"`;
  return out;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}
