import { ApiError } from "../../http/api-error";
import { all } from "../sql";
import type { OrgContext } from "./context";
import { scimTokenOps, type ScimTokenRecord } from "./scim/scim-token-ops";
import { requireActiveLink } from "./setup-link-ops";

/**
 * The setup portal's SCIM step (SPEC §2 `setup-links`, §10): a link created with
 * `scim: true` mints SCIM tokens for its org — checked in the same transaction as the
 * write, so a link without it, or one revoked, expired or used a moment ago, mints nothing.
 * The token's `scim_token.created` event has the link as actor (`setup_link:{id}`).
 */
function mintSetupScimToken(
  ctx: OrgContext,
  input: { linkId: string; id: string; name: string; tokenHash: string },
): ScimTokenRecord {
  const link = requireActiveLink(ctx, input.linkId);
  if (link.scim !== 1)
    throw new ApiError(
      403,
      "forbidden",
      "This setup link was not created with scim: true: it cannot mint a SCIM token.",
    );
  const { id, name, tokenHash } = input;
  return scimTokenOps.createScimToken(ctx, { id, name, tokenHash, setupLinkId: input.linkId });
}

/** The SCIM tokens this link minted that still exist (never the tokens), oldest first. */
function setupScimTokens(ctx: OrgContext, input: { linkId: string }): ScimTokenRecord[] {
  return all<{ id: string; name: string; created_at: string; last_used_at: string | null }>(
    ctx.sql,
    "SELECT id, name, created_at, last_used_at FROM scim_tokens WHERE setup_link_id = ? ORDER BY created_at, id",
    input.linkId,
  ).map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

export const setupScimOps = { mintSetupScimToken, setupScimTokens };
