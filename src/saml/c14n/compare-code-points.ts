/**
 * Order two strings by Unicode code point, as C14N §2.2 requires for sorting namespace
 * prefixes, namespace URIs and local names ("lexicographic order", which libxml2 and
 * xmlsec1 implement as a byte comparison of UTF-8 — the same order). JavaScript's `<`
 * compares UTF-16 code units, which differs only when a surrogate pair meets a character
 * in U+E000–U+FFFF; that case is corrected here.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return codePointRank(x) - codePointRank(y);
    return x - y;
  }
  return a.length - b.length;
}

/** Surrogates (U+D800–U+DFFF, only ever part of a pair beyond U+FFFF) rank above the whole BMP. */
function codePointRank(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit;
}
