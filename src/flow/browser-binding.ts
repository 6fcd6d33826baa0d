import { sha256Hex } from "../crypto/hash";
import { randomToken } from "../lib/ids";

/**
 * The cookie that binds a pending login to the browser that started it (SPEC §3): one per
 * pending login, named after its request ID, so two tabs each keep their own. SameSite=None
 * because the IdP's POST to the ACS is cross-site; Secure (browsers accept it on
 * http://localhost); HttpOnly.
 */
export const BINDING_MAX_AGE_SECONDS = 600;

export function bindingCookieName(requestId: string): string {
  return `esso_${requestId.replace(/[^A-Za-z0-9_]/g, "")}`;
}

export async function newBrowserBinding(requestId: string): Promise<{ cookie: string; hash: string }> {
  const value = randomToken(32);
  const cookie = `${bindingCookieName(requestId)}=${value}; HttpOnly; Path=/; Max-Age=${BINDING_MAX_AGE_SECONDS}; SameSite=None; Secure`;
  return { cookie, hash: await sha256Hex(value) };
}

/**
 * SHA-256 of each binding cookie the browser sent (one per pending login it started, at
 * most 16): the org's object hands a pending login only to the browser holding its cookie.
 */
export async function browserBindingHashes(request: Request): Promise<string[]> {
  const values: string[] = [];
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim().startsWith("esso_") && values.length < 16)
      values.push(part.slice(eq + 1).trim());
  }
  return Promise.all(values.map(sha256Hex));
}

/** Expires the binding cookie once the login is done. */
export function clearBindingCookie(requestId: string): string {
  return `${bindingCookieName(requestId)}=; HttpOnly; Path=/; Max-Age=0; SameSite=None; Secure`;
}
