import grammar from "@xmldom/xmldom/lib/grammar.js";

/**
 * @xmldom/xmldom compiles a fresh regular expression (its whole Unicode QName grammar)
 * for every end tag it reads (`grammar.reg`, called from its SAX parser): about 40 % of
 * parsing a SAML response. `reg` builds each expression from the same constant parts,
 * with the `u` flag only (no `g`/`y`, so no `lastIndex` state), so compiling each one once
 * per isolate changes nothing but the time. The parser itself, and so what it accepts,
 * is untouched.
 */
const original = grammar.reg;
const compiled = new Map<string, RegExp>();
const partIds = new WeakMap<RegExp, number>();
let nextId = 0;

function partKey(part: string | RegExp): string {
  if (typeof part === "string") return `s${part}\u0000`;
  let id = partIds.get(part);
  if (id === undefined) {
    id = nextId++;
    partIds.set(part, id);
  }
  return `r${id}\u0000`;
}

if (!(original as { cached?: boolean }).cached) {
  const cachedReg = function (this: unknown, ...parts: Array<string | RegExp>): RegExp {
    let key = "";
    for (const part of parts) key += partKey(part);
    let regexp = compiled.get(key);
    if (!regexp) {
      if (compiled.size >= 256) compiled.clear();
      regexp = original.apply(this, parts);
      compiled.set(key, regexp);
    }
    return regexp;
  };
  (cachedReg as { cached?: boolean }).cached = true;
  grammar.reg = cachedReg;
}
