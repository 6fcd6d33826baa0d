import type { Element } from "@xmldom/xmldom";
import { attr, childrenNamed, optionalChild, strictText } from "./dom";
import { NS, SAML_URI } from "./namespaces";
import { fail, SamlError, type SamlStatusDetail } from "./saml-error";

/**
 * The Response's Status must be Success (SAML core 3.2.2); otherwise the IdP's status
 * code, second-level code and message are reported, so an admin sees why the IdP said
 * no (SPEC §5).
 */
export function checkStatus(response: Element): void {
  const status = optionalChild(response, NS.protocol, "Status");
  if (!status) fail("malformed_xml", "Response has no Status");
  const code = optionalChild(status, NS.protocol, "StatusCode");
  if (!code) fail("malformed_xml", "Status has no StatusCode");
  const value = attr(code, "Value") ?? "";
  if (value === SAML_URI.statusSuccess) return;
  const detail: SamlStatusDetail = { statusCode: value };
  const sub = childrenNamed(code, NS.protocol, "StatusCode")[0];
  if (sub) detail.subStatusCode = attr(sub, "Value") ?? "";
  const message = childrenNamed(status, NS.protocol, "StatusMessage")[0];
  if (message) detail.statusMessage = safeText(message);
  const text = [detail.statusCode, detail.subStatusCode, detail.statusMessage].filter(Boolean).join(" ");
  throw new SamlError("status_not_success", text, detail);
}

function safeText(element: Element): string {
  try {
    return strictText(element);
  } catch {
    return "(unreadable StatusMessage)";
  }
}
