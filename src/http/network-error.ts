/**
 * A failed outbound request (fetch threw: no HTTP answer at all) in plain words, for the
 * admin who must fix it. workerd reports some failures as "internal error; reference = …",
 * an id of its own log that means nothing to the admin: the id is dropped and the failure
 * named by what most likely happened.
 */
export function plainNetworkError(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return "no answer in time (timed out)";
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw
    .replace(/[;,]?\s*reference\s*=\s*[0-9a-z]+/gi, "")
    .trim()
    .replace(/\.$/, "");
  if (/^internal error$/i.test(message) || message === "")
    return "no connection (refused, no route to the host, or the name does not resolve)";
  if (/network connection lost/i.test(message)) return "the connection was refused or dropped before an answer";
  if (/dns/i.test(message)) return `the host name does not resolve (${message})`;
  if (/tls|ssl|certificate/i.test(message)) return `TLS failed (${message})`;
  return message;
}
