import { randomToken } from "../../lib/ids";

/**
 * The confirmation form's CSRF token (SPEC §9 logout CSRF): double-submit, stateless — no org
 * is known before the user confirms, and no app-wide object may sit on this path (SPEC §1).
 * The page sets a `__Host-` cookie (Secure, Path=/, no Domain: a sibling host cannot plant
 * one) with a fresh random value and puts the same value in the form; the POST must carry
 * both, equal, and come from our own origin when the browser names one.
 */
const COOKIE = "__Host-esso_logout";
const MAX_AGE_S = 600;

/** A fresh token and the Set-Cookie header that goes with it. */
export function newLogoutCsrf(): { token: string; cookie: string } {
  const token = randomToken(32);
  return { token, cookie: `${COOKIE}=${token}; HttpOnly; Secure; Path=/; Max-Age=${MAX_AGE_S}; SameSite=Strict` };
}

/** Clears the cookie once the confirmation was used. */
export const CLEAR_LOGOUT_CSRF = `${COOKIE}=; HttpOnly; Secure; Path=/; Max-Age=0; SameSite=Strict`;

/**
 * Whether a confirmation POST is the user's: the form's token equals the cookie's (constant
 * time), and an Origin header, when sent, is PUBLIC_URL's origin. Pure.
 */
export function checkLogoutCsrf(input: {
  formToken: string | null;
  cookieHeader: string | null;
  origin: string | null;
  publicUrl: string;
}): { ok: true } | { ok: false; detail: string } {
  if (input.origin !== null && input.origin !== new URL(input.publicUrl).origin)
    return { ok: false, detail: `Origin ${input.origin} is not ${new URL(input.publicUrl).origin}` };
  const cookie = cookieValue(input.cookieHeader);
  if (!input.formToken || !cookie) return { ok: false, detail: "the CSRF token or its cookie is missing" };
  if (!equal(input.formToken, cookie)) return { ok: false, detail: "the form's CSRF token is not its cookie's" };
  return { ok: true };
}

function cookieValue(header: string | null): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

function equal(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
