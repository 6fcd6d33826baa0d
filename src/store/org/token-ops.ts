import { checkCodeGrant, type CodeGrantRequest } from "../../oauth/check-code-grant";
import type { TokenRefusal } from "../../oauth/oauth-error";
import type { Result } from "../../oauth/result";
import { one } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import { sweepBy } from "./expiry-sweep";
import type { AuthCode, Profile } from "./login-types";
import { requireOrganization } from "./organization-ops";

/**
 * Authorization codes and access tokens (SPEC §4): a code is taken out exactly once, and
 * every read checks `expires_at` itself (the expiry sweep only reclaims space).
 */

type CodeRow = {
  code_hash: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string | null;
  nonce: string | null;
  scope: string;
  member_id: string;
  profile: string;
  expires_at: number;
  sid: string | null;
};

/** How long a spent code is remembered: as long as the access tokens issued from it live. */
const SPENT_CODE_MEMORY_MS = 60 * 60 * 1000;

/**
 * Takes a code out exactly once; null when unknown, used or expired. A code presented
 * again revokes the access tokens issued from it (RFC 6749 §4.1.2: a reused code may be
 * a stolen one).
 */
function consumeCode(ctx: OrgContext, input: { codeHash: string }): AuthCode | null {
  const row = one<CodeRow>(ctx.sql, "DELETE FROM auth_codes WHERE code_hash = ? RETURNING *", input.codeHash);
  if (!row) {
    const spent = one(
      ctx.sql,
      "SELECT code_hash FROM spent_codes WHERE code_hash = ? AND expires_at >= ?",
      input.codeHash,
      ctx.now.getTime(),
    );
    if (spent) revokeTokensOfCode(ctx, input.codeHash);
    return null;
  }
  ctx.sql.exec(
    "INSERT OR REPLACE INTO spent_codes VALUES (?, ?)",
    input.codeHash,
    ctx.now.getTime() + SPENT_CODE_MEMORY_MS,
  );
  sweepBy(ctx, ctx.now.getTime() + SPENT_CODE_MEMORY_MS);
  if (row.expires_at < ctx.now.getTime()) return null;
  return {
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    codeChallenge: row.code_challenge,
    nonce: row.nonce,
    state: null,
    scope: row.scope,
    memberId: row.member_id,
    sid: row.sid,
    profile: JSON.parse(row.profile) as Profile,
    expiresAt: row.expires_at,
  };
}

function revokeTokensOfCode(ctx: OrgContext, codeHash: string): void {
  const links = ctx.sql
    .exec<{
      token_hash: string;
      expires_at: number;
    }>("DELETE FROM code_tokens WHERE code_hash = ? RETURNING token_hash, expires_at", codeHash)
    .toArray();
  for (const { token_hash } of links) ctx.sql.exec("DELETE FROM access_tokens WHERE token_hash = ?", token_hash);
  // Expired tokens were already dead (the sweep may not have reclaimed them yet): not counted.
  const revoked = links.filter((l) => l.expires_at >= ctx.now.getTime()).length;
  const org = requireOrganization(ctx);
  recordEvent(ctx, org.id, "authorization_code.reused", null, { revokedAccessTokens: revoked });
}

function createAccessToken(
  ctx: OrgContext,
  input: {
    tokenHash: string;
    clientId: string;
    memberId: string;
    scope: string;
    profile: Profile;
    expiresAt: number;
    codeHash?: string;
    /** The session the token belongs to: ending it revokes the token (SPEC §9). */
    sid?: string | null;
  },
): void {
  ctx.sql.exec(
    `INSERT INTO access_tokens (token_hash, client_id, member_id, scope, profile, expires_at, sid)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    input.tokenHash,
    input.clientId,
    input.memberId,
    input.scope,
    JSON.stringify(input.profile),
    input.expiresAt,
    input.sid ?? null,
  );
  if (input.codeHash)
    ctx.sql.exec("INSERT INTO code_tokens VALUES (?, ?, ?)", input.codeHash, input.tokenHash, input.expiresAt);
  sweepBy(ctx, input.expiresAt);
}

/**
 * The token endpoint's one round trip (SPEC §1, §4): takes the code out, checks it against
 * the request ({@link checkCodeGrant}), and only when it holds stores the access token
 * issued from it, all in one transaction. A code a check refuses stays spent (RFC 6749
 * §4.1.2); a spent code presented again revokes the tokens issued from it (consumeCode).
 */
function redeemCode(
  ctx: OrgContext,
  input: { codeHash: string; request: CodeGrantRequest; accessToken: { tokenHash: string; expiresAt: number } },
): Result<AuthCode, TokenRefusal> {
  const grant = checkCodeGrant({ ...input.request, code: consumeCode(ctx, { codeHash: input.codeHash }) });
  if (!grant.ok) return grant;
  const code = grant.value;
  createAccessToken(ctx, {
    ...input.accessToken,
    clientId: code.clientId,
    memberId: code.memberId,
    scope: code.scope,
    profile: code.profile,
    codeHash: input.codeHash,
    sid: code.sid,
  });
  return grant;
}

function findAccessToken(
  ctx: OrgContext,
  input: { tokenHash: string },
): { clientId: string; scope: string; profile: Profile } | null {
  const row = one<{ client_id: string; scope: string; profile: string; expires_at: number }>(
    ctx.sql,
    "SELECT * FROM access_tokens WHERE token_hash = ?",
    input.tokenHash,
  );
  if (!row || row.expires_at < ctx.now.getTime()) return null;
  return { clientId: row.client_id, scope: row.scope, profile: JSON.parse(row.profile) as Profile };
}

export const tokenOps = { consumeCode, createAccessToken, redeemCode, findAccessToken };
