/*
 * Character escaping of Canonical XML 1.0 §2.3 (which exc-c14n §3 inherits): exactly
 * these replacements, nothing else, so that our bytes are the ones every other
 * implementation (xmlsec1, libxml2, xmldsigjs) digests.
 */

const TEXT_SPECIAL = /[&<>\r]/;
const TEXT_SPECIAL_ALL = /[&<>\r]/g;
const ATTRIBUTE_SPECIAL = /[&<"\t\n\r]/;
const ATTRIBUTE_SPECIAL_ALL = /[&<"\t\n\r]/g;

const REPLACEMENT: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\t": "&#x9;",
  "\n": "&#xA;",
  "\r": "&#xD;",
};

const replace = (ch: string): string => REPLACEMENT[ch]!;

/** Text and CDATA content: `&` `<` `>` and carriage return (C14N §2.3 "Text Nodes"). */
export function escapeC14nText(text: string): string {
  return TEXT_SPECIAL.test(text) ? text.replace(TEXT_SPECIAL_ALL, replace) : text;
}

/** Attribute and namespace values: `&` `<` `"` tab, line feed, carriage return (C14N §2.3 "Attribute Nodes"). */
export function escapeC14nAttribute(value: string): string {
  return ATTRIBUTE_SPECIAL.test(value) ? value.replace(ATTRIBUTE_SPECIAL_ALL, replace) : value;
}
