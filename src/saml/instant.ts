import { fail } from "./saml-error";

const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Parse an xs:dateTime (SAML core 1.3.3: UTC, usually with "Z"; ADFS sends seven
 * fractional digits) to epoch milliseconds. Anything else is `malformed_xml`.
 */
export function parseInstant(value: string, what: string): number {
  const m = DATE_TIME.exec(value.trim());
  const ms = m ? Date.parse(`${m[1]}.${(m[2] ?? "0").slice(0, 3).padEnd(3, "0")}${m[3] ?? "Z"}`) : NaN;
  if (Number.isNaN(ms)) fail("malformed_xml", `${what} "${value}" is not an xs:dateTime`);
  return ms;
}

/** A validity window's bounds, checked with the clock skew on both sides (SPEC §5). */
export interface Window {
  notBefore: number | null;
  notOnOrAfter: number | null;
}

/** `not_yet_valid` before NotBefore − skew, `expired` at or after NotOnOrAfter + skew. */
export function checkWindow(window: Window, now: number, skewMs: number, what: string): void {
  if (window.notBefore !== null && now + skewMs < window.notBefore) {
    fail(
      "not_yet_valid",
      `${what} NotBefore ${new Date(window.notBefore).toISOString()}, now ${new Date(now).toISOString()}`,
    );
  }
  if (window.notOnOrAfter !== null && now - skewMs >= window.notOnOrAfter) {
    fail(
      "expired",
      `${what} NotOnOrAfter ${new Date(window.notOnOrAfter).toISOString()}, now ${new Date(now).toISOString()}`,
    );
  }
}
