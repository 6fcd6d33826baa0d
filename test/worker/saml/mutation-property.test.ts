import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fx, verifyXml } from "./helpers";

/*
 * Property (issue 3): random mutations of a signed response never yield an accepted login
 * with a different identity. A mutation may be harmless (whitespace in base64 text,
 * attribute order) and still verify; then the identity must be exactly the signed one.
 */
const ALPHABET = ["<", ">", "/", '"', "'", "=", " ", "a", "Z", "0", "-", "!", "?", "&", ";", ":", "@", ".", "\n", "x"];

type Mutation =
  | { kind: "replace"; at: number; char: string }
  | { kind: "insert"; at: number; text: string }
  | { kind: "delete"; at: number; length: number }
  | { kind: "duplicate"; at: number; length: number; to: number };

function apply(xml: string, m: Mutation): string {
  const at = Math.min(m.at, xml.length);
  switch (m.kind) {
    case "replace":
      return xml.slice(0, at) + m.char + xml.slice(at + 1);
    case "insert":
      return xml.slice(0, at) + m.text + xml.slice(at);
    case "delete":
      return xml.slice(0, at) + xml.slice(at + m.length);
    case "duplicate": {
      const piece = xml.slice(at, at + m.length);
      const to = Math.min(m.to, xml.length);
      return xml.slice(0, to) + piece + xml.slice(to);
    }
  }
}

function mutationFor(xml: string): fc.Arbitrary<Mutation> {
  // Half the positions land near the identity, where a wrong acceptance would matter most.
  const nameIdAt = xml.indexOf(fx.nameId);
  const position = fc.oneof(fc.nat({ max: xml.length - 1 }), fc.integer({ min: nameIdAt - 60, max: nameIdAt + 60 }));
  const char = fc.constantFrom(...ALPHABET);
  return fc.oneof(
    fc.record({ kind: fc.constant("replace" as const), at: position, char }),
    fc.record({
      kind: fc.constant("insert" as const),
      at: position,
      text: fc.oneof(char, fc.constantFrom("<!---->", "<![CDATA[x]]>", "<?p?>", "&amp;")),
    }),
    fc.record({ kind: fc.constant("delete" as const), at: position, length: fc.integer({ min: 1, max: 40 }) }),
    fc.record({
      kind: fc.constant("duplicate" as const),
      at: position,
      length: fc.integer({ min: 1, max: 400 }),
      to: position,
    }),
  );
}

describe("mutations of a signed response", () => {
  it.each(["assertion-signed", "both-signed", "encrypted-aes256-cbc"])(
    "never log %s in as someone else",
    async (name) => {
      const original = fx.responses[name]!;
      await fc.assert(
        fc.asyncProperty(fc.array(mutationFor(original), { minLength: 1, maxLength: 3 }), async (mutations) => {
          const mutated = mutations.reduce(apply, original);
          const result = await verifyXml(mutated, { wantAssertionsSigned: false });
          if (!result.ok) return;
          expect(result.value.nameId).toBe(fx.nameId);
          expect(result.value.issuer).toBe(fx.idpEntityId);
          expect({ ...result.value.attributes }).toEqual({
            email: [fx.nameId],
            firstName: ["Alice"],
            groups: ["engineering", "admins"],
          });
        }),
        { numRuns: 150 },
      );
    },
  );
});
