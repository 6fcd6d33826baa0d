import type { Element } from "@xmldom/xmldom";
import { childrenNamed, descendantsNamed } from "./dom";
import { NS } from "./namespaces";
import { fail } from "./saml-error";

/** The one assertion of a Response, as sent: plain or encrypted. */
export type LocatedAssertion = { encrypted: false; element: Element } | { encrypted: true; element: Element };

/**
 * SPEC §5: exactly one Assertion or EncryptedAssertion, a direct child of the Response,
 * and none inside Advice. Any other assertion anywhere in the document — in Extensions,
 * in a Signature's Object, nested in another assertion — rejects: those are the places
 * signature-wrapping attacks (XSW1–XSW8) hide the genuinely signed copy.
 */
export function locateAssertion(response: Element): LocatedAssertion {
  rejectAssertionsInAdvice(response);
  const everywhere = [
    ...descendantsNamed(response, NS.assertion, "Assertion"),
    ...descendantsNamed(response, NS.assertion, "EncryptedAssertion"),
  ];
  const direct = [
    ...childrenNamed(response, NS.assertion, "Assertion"),
    ...childrenNamed(response, NS.assertion, "EncryptedAssertion"),
  ];
  if (everywhere.length > 1) fail("multiple_assertions", `${everywhere.length} assertions in the Response`);
  if (direct.length === 0) {
    fail("no_assertion", everywhere.length ? "the assertion is not a child of the Response" : "no assertion");
  }
  const element = direct[0]!;
  return { encrypted: element.localName === "EncryptedAssertion", element };
}

/**
 * The structure rules again on a decrypted assertion (SPEC §5): none in an Advice, and no
 * other Assertion or EncryptedAssertion anywhere inside it — in its Signature's KeyInfo,
 * say, where the same layout unencrypted is refused by {@link locateAssertion}.
 */
export function checkDecryptedAssertion(assertion: Element): void {
  rejectAssertionsInAdvice(assertion);
  const nested =
    descendantsNamed(assertion, NS.assertion, "Assertion").length +
    descendantsNamed(assertion, NS.assertion, "EncryptedAssertion").length;
  if (nested > 0) fail("multiple_assertions", `${nested} assertions nested in the decrypted assertion`);
}

/** An Advice may carry assertions (SAML core 2.6.1); we never accept one there. */
export function rejectAssertionsInAdvice(root: Element): void {
  for (const advice of descendantsNamed(root, NS.assertion, "Advice")) {
    const inside =
      descendantsNamed(advice, NS.assertion, "Assertion").length +
      descendantsNamed(advice, NS.assertion, "EncryptedAssertion").length +
      descendantsNamed(advice, NS.assertion, "AssertionIDRef").length +
      descendantsNamed(advice, NS.assertion, "AssertionURIRef").length;
    if (inside > 0) fail("assertion_in_advice", "an Advice holds an assertion");
  }
}
