import { SignJWT } from "jose";
import type { ActiveSigningKey } from "./signing-keys";

/** The `events` member of a logout token (OpenID Connect Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

/** How long a logout token is valid after it is minted (SPEC §9: `exp = iat + 120 s`). */
export const LOGOUT_TOKEN_TTL_S = 120;

/** Input of {@link signLogoutToken}. */
export interface LogoutTokenInput {
  issuer: string;
  /** The client whose session ended: the token's `aud`. */
  clientId: string;
  /** The member: the `sub` of that session's ID tokens. */
  sub: string;
  /** The ended session: the `sid` of its ID tokens. */
  sid: string;
  /** Stable across attempts: the RP's replay check (§2.6 step 8 may reject a jti seen before). */
  jti: string;
  key: ActiveSigningKey;
  /** Epoch ms: each attempt mints its own token. */
  now: number;
}

/**
 * A logout token (OpenID Connect Back-Channel Logout 1.0 §2.4): a JWT signed with the ID
 * tokens' key carrying `iss`, `aud`, `iat`, `exp`, `jti`, `sub`, `sid` and `events` with
 * the back-channel logout member; never a `nonce` (§2.4: it must not, so a logout token
 * cannot pass for an ID token); explicitly typed `logout+jwt` (§2.4 and RFC 8725 §3.11).
 */
export async function signLogoutToken(input: LogoutTokenInput): Promise<string> {
  const iat = Math.floor(input.now / 1000);
  return new SignJWT({ sid: input.sid, events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } })
    .setProtectedHeader({ alg: input.key.alg, kid: input.key.kid, typ: "logout+jwt" })
    .setIssuer(input.issuer)
    .setAudience(input.clientId)
    .setSubject(input.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + LOGOUT_TOKEN_TTL_S)
    .setJti(input.jti)
    .sign(input.key.privateKey);
}
