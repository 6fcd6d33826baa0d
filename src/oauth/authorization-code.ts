import { sha256Hex } from "../crypto/hash";
import { newOrgToken } from "../lib/ids";
import { CODE_TTL_MS } from "./lifetimes";

/** A freshly minted authorization code and what the org's object stores for it. */
export interface MintedCode {
  /** The code for the redirect (`?code=…`); never stored. */
  code: string;
  /** SHA-256 hex of the code: `completeLogin({codeHash})`, looked up by `consumeCode`. */
  codeHash: string;
  /** Epoch ms: `completeLogin({codeExpiresAt})`. */
  expiresAt: number;
}

/**
 * Mints a one-time authorization code for an org (RFC 6749 §4.1.2): 256 random bits that
 * embed the org, so /oauth/token finds the org's object without a lookup (SPEC §1), valid
 * for CODE_TTL_MS from `now`.
 */
export async function mintAuthorizationCode(organizationId: string, now: number): Promise<MintedCode> {
  const code = newOrgToken(organizationId);
  return { code, codeHash: await sha256Hex(code), expiresAt: now + CODE_TTL_MS };
}
