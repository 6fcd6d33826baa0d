import type { OrgContext } from "../context";

/**
 * Deprovisioning (SPEC §10): what a member's earlier logins left usable goes in the same
 * transaction — unspent codes (`/oauth/token` then answers `invalid_grant`) and access
 * tokens (userinfo answers 401) — through their `member_id` indexes. Returns the counts of
 * live ones, for the audit event.
 */
export function revokeMemberAccess(
  ctx: OrgContext,
  memberId: string,
): { revokedCodes: number; revokedAccessTokens: number } {
  const now = ctx.now.getTime();
  const codes = ctx.sql
    .exec<{ code_hash: string; expires_at: number }>(
      "DELETE FROM auth_codes WHERE member_id = ? RETURNING code_hash, expires_at",
      memberId,
    )
    .toArray();
  const tokens = ctx.sql
    .exec<{ token_hash: string; expires_at: number }>(
      "DELETE FROM access_tokens WHERE member_id = ? RETURNING token_hash, expires_at",
      memberId,
    )
    .toArray();
  for (const { token_hash } of tokens) ctx.sql.exec("DELETE FROM code_tokens WHERE token_hash = ?", token_hash);
  return {
    revokedCodes: codes.filter((c) => c.expires_at >= now).length,
    revokedAccessTokens: tokens.filter((t) => t.expires_at >= now).length,
  };
}
