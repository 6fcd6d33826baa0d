import grammar from "@xmldom/xmldom/lib/grammar.js";

/**
 * @xmldom/xmldom compiles a fresh regular expression (its whole Unicode QName grammar)
 * for every end tag it reads (`grammar.reg`, called from its SAX parser): about 40 % of
 * parsing a SAML response. `reg` builds each expression from the same constant parts,
 * with the `u` flag only (no `g`/`y`, so no `lastIndex` state), so compiling each one once
 * per isolate changes nothing but the time. The parser itself, and so what it accepts,
 * is untouched.
 *
 * This reaches into xmldom's internals, so package.json pins xmldom's exact version and
 * test/worker/saml/xmldom-grammar.test.ts fails when the grammar changes shape. An
 * expression whose flags are not exactly {@link EXPECTED_FLAGS} is never cached: a
 * stateful (`g`/`y`) one shared between calls would change what the parser matches.
 */
export const EXPECTED_FLAGS = "u";

type Reg = (this: unknown, ...parts: Array<string | RegExp>) => RegExp;

/** A `reg` that returns one compiled expression per list of parts, when its flags are the expected ones. */
export function cachingReg(original: Reg): Reg & { cached: true } {
  const compiled = new Map<string, RegExp>();
  const partIds = new WeakMap<RegExp, number>();
  let nextId = 0;
  const partKey = (part: string | RegExp): string => {
    if (typeof part === "string") return `s${part}\u0000`;
    let id = partIds.get(part);
    if (id === undefined) {
      id = nextId++;
      partIds.set(part, id);
    }
    return `r${id}\u0000`;
  };
  const cachedReg = function (this: unknown, ...parts: Array<string | RegExp>): RegExp {
    let key = "";
    for (const part of parts) key += partKey(part);
    const known = compiled.get(key);
    if (known) return known;
    const regexp = original.apply(this, parts);
    if (regexp.flags !== EXPECTED_FLAGS) return regexp;
    if (compiled.size >= 256) compiled.clear();
    compiled.set(key, regexp);
    return regexp;
  };
  return Object.assign(cachedReg, { cached: true as const });
}

/** xmldom's own `reg`, for the shape test. */
export const originalReg: Reg = (grammar.reg as Reg & { original?: Reg }).original ?? grammar.reg;

if (!(grammar.reg as { cached?: boolean }).cached) {
  grammar.reg = Object.assign(cachingReg(originalReg), { original: originalReg });
}
