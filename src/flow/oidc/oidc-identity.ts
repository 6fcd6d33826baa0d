import type { VerifiedIdentity } from "../../store/org/login-types";
import { oidcFailure, type OidcFailure } from "../../oidc/oidc-failure";
import type { UserClaims } from "../../oidc/fetch-userinfo";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** JWT and protocol claims that say nothing about the user; the rest is `rawAttributes`. */
const PROTOCOL_CLAIMS = new Set([
  "iss",
  "aud",
  "exp",
  "iat",
  "nbf",
  "jti",
  "nonce",
  "at_hash",
  "c_hash",
  "s_hash",
  "azp",
  "auth_time",
  "sid",
  "acr",
  "amr",
]);

/**
 * The identity a verified OIDC login asserts (pure): subject = `sub`, the standard claims
 * (OIDC Core §5.1), and `groups`/`roles` when the IdP sends them. `email_verified` counts
 * only as boolean `true` (or the string "true", which some IdPs send).
 */
export function oidcIdentity(claims: UserClaims): VerifiedIdentity {
  const email = typeof claims.email === "string" && EMAIL.test(claims.email) ? claims.email.toLowerCase() : null;
  return {
    subject: claims.sub,
    subjectIsTransient: false,
    email,
    emailVerified: claims.email_verified === true || claims.email_verified === "true",
    firstName: text(claims.given_name),
    lastName: text(claims.family_name),
    groups: strings(claims.groups),
    roles: strings(claims.roles),
    rawAttributes: Object.fromEntries(
      Object.entries(claims)
        .filter(([name]) => !PROTOCOL_CLAIMS.has(name))
        .map(([name, value]) => [name, strings(value)]),
    ),
  };
}

/** With `emailVerifiedRequired` (the default), an email the IdP has not verified is refused. */
export function checkEmailVerified(identity: VerifiedIdentity, required: boolean): OidcFailure | null {
  if (!required || !identity.email || identity.emailVerified) return null;
  return oidcFailure("email_not_verified", `the IdP does not assert email_verified=true for ${identity.email}`);
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** A claim as a list of strings: arrays keep their scalar members, a scalar becomes one item. */
function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list
    .filter((v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    .map(String)
    .filter((v) => v.length > 0);
}
