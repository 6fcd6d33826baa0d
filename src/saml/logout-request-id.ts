import { decodeSamlMessage } from "./decode-saml-message";
import { attr, isElementNamed } from "./dom";
import { NS } from "./namespaces";
import { parseXml } from "./parse-xml";
import { inflate } from "./verify-logout-request";

/**
 * The ID of a LogoutRequest that failed verification, read under the same input rules
 * (SPEC §5), or null when the message is not a readable LogoutRequest at all. Unverified:
 * only the InResponseTo of the refusal the IdP gets back (SAML core 3.7.3.2).
 */
export async function logoutRequestIdOf(binding: "redirect" | "post", value: string): Promise<string | null> {
  try {
    const xml = binding === "post" ? decodeSamlMessage(value) : await inflate(value);
    const root = parseXml(xml).document.documentElement;
    return root && isElementNamed(root, NS.protocol, "LogoutRequest") ? attr(root, "ID") || null : null;
  } catch {
    return null;
  }
}
