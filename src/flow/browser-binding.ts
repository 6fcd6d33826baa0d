import { sha256Hex, timingSafeEqual } from "../crypto/hash";
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

/** Whether the request carries the binding cookie of this pending login. */
export async function hasBrowserBinding(request: Request, requestId: string, expectedHash: string): Promise<boolean> {
  const value = readCookie(request, bindingCookieName(requestId));
  return value !== null && timingSafeEqual(await sha256Hex(value), expectedHash);
}

/** Expires the binding cookie once the login is done. */
export function clearBindingCookie(requestId: string): string {
  return `${bindingCookieName(requestId)}=; HttpOnly; Path=/; Max-Age=0; SameSite=None; Secure`;
}

function readCookie(request: Request, name: string): string | null {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
