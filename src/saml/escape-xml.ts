/** Escapes text for element content and double- or single-quoted attribute values. */
export function escapeXml(value: string): string {
  return String(value).replace(/[&<>"'\r\n\t]/g, (c) => XML_ESCAPES[c] ?? c);
}

// Attribute-value normalization (XML 1.0 §3.3.3) turns literal CR/LF/TAB into spaces,
// so they are written as character references to survive a round trip.
const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\r": "&#13;",
  "\n": "&#10;",
  "\t": "&#9;",
};
