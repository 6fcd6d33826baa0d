import type { FieldError } from "../http/api-error";

/** A form's errors by field name: plain words, shown next to the field (SPEC §9). */
export type FormErrors = Record<string, string>;

/**
 * Turns the admin API's field errors (paths and terse reasons) into words for the IdP
 * admin, under the portal form's own field names. `fieldOf` maps an API path to the form
 * field; unknown paths land on `fallback`.
 */
export function plainFormErrors(errors: FieldError[], fieldOf: (path: string) => string): FormErrors {
  const out: FormErrors = {};
  for (const error of errors) {
    const field = fieldOf(error.path);
    out[field] ??= plainWords(field, error.message);
  }
  return out;
}

/** The plain-words text of one refusal. */
export function plainWords(field: string, message: string): string {
  if (/is this SP metadata\?/.test(message) || /SPSSODescriptor/.test(message))
    return "This is service provider (SP) metadata: it describes the app, not your identity provider. Download the identity provider's metadata instead (it holds an IDPSSODescriptor).";
  if (/no SingleSignOnService with the HTTP-Redirect or HTTP-POST binding/.test(message))
    return "This metadata has no sign-in endpoint a browser can use: it needs a SingleSignOnService with the HTTP-POST or HTTP-Redirect binding. Check that the app is set up for SAML 2.0 web sign-in.";
  if (/has no signing certificate/.test(message))
    return "This metadata has no signing certificate, so no sign-in could be verified. Export the metadata again with the signing certificate included.";
  if (
    /not in the SAML metadata namespace|must be EntityDescriptor|not well-formed|XML/i.test(message) &&
    field === "metadataXml"
  )
    return `This is not SAML metadata we can read (${message}). Upload or paste the XML file your identity provider gives you.`;
  if (field === "metadataUrl") return message;
  if (/must be an https:\/\/ URL/.test(message)) return "This must be an address starting with https://.";
  if (message === "is required") return "This is required.";
  if (/certificate/i.test(field) || /certificate|PEM|base64|DER/i.test(message))
    return `We could not read this certificate (${message}). Paste the PEM text, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.`;
  return message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? "" : ".");
}

/**
 * A metadata URL that could not be read, in one generic text per host (SPEC §2: the portal
 * gets no detail about outbound calls), except an HTTP status, which the admin can check.
 */
export function metadataUrlProblem(url: string, cause: string): string {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    return "This is not a valid URL.";
  }
  const status = /^HTTP (\d{3})$/.exec(cause);
  if (status)
    return `${host} answered HTTP ${status[1]} instead of the metadata. Check the URL, and that it is public (not behind your VPN or a sign-in).`;
  if (/not allowed|private|loopback|https:\/\//i.test(cause))
    return `We cannot fetch metadata from ${host}: the address must be a public https:// URL.`;
  return `The metadata URL did not answer: ${host} could not be reached. Check the URL, and that it is reachable from the internet; or download the file and upload it instead.`;
}

/** The words for an expired (or not yet valid) signing certificate, with its date. */
export function certificateDateProblem(kind: "expired" | "not_yet_valid", date: Date, subject: string): string {
  const day = date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  return kind === "expired"
    ? `The signing certificate (${subject}) expired on ${day}. Create or download a current certificate in your identity provider, then give the metadata again.`
    : `The signing certificate (${subject}) is valid only from ${day}. Use the certificate your identity provider signs with today.`;
}
