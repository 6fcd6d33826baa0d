import { SignJWT } from "jose";
import type { Profile } from "../store/org/login-types";
import { userClaims } from "./claims";
import { ID_TOKEN_TTL_S } from "./lifetimes";
import type { ActiveSigningKey } from "./signing-keys";

/** Input of {@link signIdToken}. */
export interface IdTokenInput {
  issuer: string;
  clientId: string;
  profile: Profile;
  nonce: string | null;
  /** The login's session (SPEC §9): logout names it, by `id_token_hint` or a logout token. */
  sid: string | null;
  key: ActiveSigningKey;
  /** Epoch ms. */
  now: number;
}

/**
 * Signs the ID token (OIDC Core §2, §3.1.3.3): `iss`, `aud` = the client, `sub` = the
 * member, `iat`/`exp`, `nonce` echoed when the authorization request had one
 * (§3.1.2.1), `sid` (OIDC Front-/Back-Channel Logout 1.0: the session a logout names), and
 * the user claims of SPEC §4. The `kid` header names the JWKS key.
 */
export async function signIdToken(input: IdTokenInput): Promise<string> {
  const iat = Math.floor(input.now / 1000);
  const { sub, ...claims } = userClaims(input.profile);
  return new SignJWT({
    ...claims,
    ...(input.nonce !== null ? { nonce: input.nonce } : {}),
    ...(input.sid !== null ? { sid: input.sid } : {}),
  })
    .setProtectedHeader({ alg: input.key.alg, kid: input.key.kid, typ: "JWT" })
    .setIssuer(input.issuer)
    .setAudience(input.clientId)
    .setSubject(sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ID_TOKEN_TTL_S)
    .sign(input.key.privateKey);
}
