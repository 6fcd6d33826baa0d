import { ApiError, notFound } from "../../http/api-error";
import { all, one, toPage, type Page, type PageRequest } from "../sql";
import { recordEvent, type OrgContext } from "./context";
import { requireOrganization } from "./organization-ops";
import type { SsoType } from "./types";

/** How a setup link stands (SPEC §2 `setup-links`): computed from its row and the clock. */
export type SetupLinkStatus = "active" | "expired" | "revoked" | "used";

/** A setup link as the admin API shows it (never its token, which only its hash is kept of). */
export interface SetupLinkView {
  id: string;
  status: SetupLinkStatus;
  connectionType: SsoType | null;
  connectionId: string | null;
  /** Whether the link may mint a SCIM token for the org (created with `scim: true`). */
  scim: boolean;
  expiresAt: string;
  createdAt: string;
  revokedAt?: string;
  usedAt?: string;
}

/** A live link as the portal works with it: its view, plus its CSRF token. */
export interface OpenSetupLink extends SetupLinkView {
  csrfToken: string;
}

type SetupLinkRow = {
  id: string;
  token_hash: string;
  csrf_token: string;
  connection_type: string | null;
  connection_id: string | null;
  expires_at: number;
  created_at: string;
  revoked_at: string | null;
  used_at: string | null;
  scim: number;
};

function statusOf(row: SetupLinkRow, now: number): SetupLinkStatus {
  if (row.revoked_at) return "revoked";
  if (row.used_at) return "used";
  return row.expires_at <= now ? "expired" : "active";
}

function toView(row: SetupLinkRow, now: number): SetupLinkView {
  return {
    id: row.id,
    status: statusOf(row, now),
    connectionType: row.connection_type as SsoType | null,
    connectionId: row.connection_id,
    scim: row.scim === 1,
    expiresAt: new Date(row.expires_at).toISOString(),
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
    ...(row.used_at ? { usedAt: row.used_at } : {}),
  };
}

function requireLinkRow(ctx: OrgContext, id: string): SetupLinkRow {
  const row = one<SetupLinkRow>(ctx.sql, "SELECT * FROM setup_links WHERE id = ?", id);
  if (!row) throw notFound("Setup link");
  return row;
}

const ssoNotAllowed = () => new ApiError(403, "sso_not_allowed", "SSO is not allowed for this organization.");

export interface CreateSetupLinkInput {
  id: string;
  /** SHA-256 (hex) of the link's token; the token itself is never stored. */
  tokenHash: string;
  csrfToken: string;
  connectionType: SsoType | null;
  /** Whether the portal offers the SCIM step and may mint a SCIM token. */
  scim: boolean;
  /** Epoch ms. */
  expiresAt: number;
}

/** A new link; refused while the org's SSO is disallowed (SPEC §2 allow/disallow). */
function createSetupLink(ctx: OrgContext, input: CreateSetupLinkInput): SetupLinkView {
  const org = requireOrganization(ctx);
  if (!org.ssoAllowed) throw ssoNotAllowed();
  ctx.sql.exec(
    `INSERT INTO setup_links (id, token_hash, csrf_token, connection_type, connection_id, expires_at, created_at, scim)
     VALUES (?, ?, ?, ?, NULL, ?, ?, ?)`,
    input.id,
    input.tokenHash,
    input.csrfToken,
    input.connectionType,
    input.expiresAt,
    ctx.now.toISOString(),
    input.scim ? 1 : 0,
  );
  recordEvent(ctx, org.id, "setup_link.created", input.id, {
    connectionType: input.connectionType,
    scim: input.scim,
    expiresAt: new Date(input.expiresAt).toISOString(),
  });
  return toView(requireLinkRow(ctx, input.id), ctx.now.getTime());
}

function listSetupLinks(ctx: OrgContext, input: PageRequest): Page<SetupLinkView> {
  requireOrganization(ctx);
  const rows = all<SetupLinkRow>(
    ctx.sql,
    `SELECT * FROM setup_links
     WHERE (?1 IS NULL OR (created_at, id) > (SELECT created_at, id FROM setup_links WHERE id = ?1))
     ORDER BY created_at, id LIMIT ?2`,
    input.after ?? null,
    input.limit + 1,
  );
  const now = ctx.now.getTime();
  return toPage(
    rows.map((r) => toView(r, now)),
    input.limit,
    (l) => l.id,
  );
}

function getSetupLink(ctx: OrgContext, input: { id: string }): SetupLinkView {
  requireOrganization(ctx);
  return toView(requireLinkRow(ctx, input.id), ctx.now.getTime());
}

/** DELETE …/setup-links/{id}: ends the link at once; a link that already ended keeps how it ended. */
function revokeSetupLink(ctx: OrgContext, input: { id: string }): SetupLinkView {
  const org = requireOrganization(ctx);
  const row = requireLinkRow(ctx, input.id);
  if (!row.revoked_at && !row.used_at) {
    ctx.sql.exec("UPDATE setup_links SET revoked_at = ? WHERE id = ?", ctx.now.toISOString(), row.id);
    recordEvent(ctx, org.id, "setup_link.revoked", row.id, { reason: "revoked" });
  }
  return toView(requireLinkRow(ctx, row.id), ctx.now.getTime());
}

/**
 * `disallow_sso` revokes every link not yet ended, for good (SPEC §2): allowing SSO again
 * brings none back. Called inside the disallow transaction; returns how many it ended.
 */
export function revokeAllSetupLinks(ctx: OrgContext): number {
  return ctx.sql
    .exec(
      "UPDATE setup_links SET revoked_at = ? WHERE revoked_at IS NULL AND used_at IS NULL RETURNING id",
      ctx.now.toISOString(),
    )
    .toArray().length;
}

/** Why the portal cannot open a link: it is unknown (or malformed), or it ended. */
export type SetupLinkRefusal = "unknown" | "expired" | "revoked" | "used" | "sso_not_allowed";

export type OpenSetupLinkResult =
  | { ok: true; link: OpenSetupLink; organization: { id: string; name: string } }
  | { ok: false; reason: SetupLinkRefusal };

/**
 * The link a token's hash names, for the portal: only while it is active and its org's
 * SSO allowed. Read-only, so opening a link writes nothing; each portal action that
 * changes something records its own event.
 */
export function openSetupLink(ctx: OrgContext, input: { tokenHash: string }): OpenSetupLinkResult {
  const orgRow = one<{ id: string; name: string; sso_allowed: number }>(
    ctx.sql,
    "SELECT id, name, sso_allowed FROM organization LIMIT 1",
  );
  if (!orgRow) return { ok: false, reason: "unknown" };
  const row = one<SetupLinkRow>(ctx.sql, "SELECT * FROM setup_links WHERE token_hash = ?", input.tokenHash);
  if (!row) return { ok: false, reason: "unknown" };
  const status = statusOf(row, ctx.now.getTime());
  if (status !== "active") return { ok: false, reason: status };
  if (orgRow.sso_allowed !== 1) return { ok: false, reason: "sso_not_allowed" };
  return {
    ok: true,
    link: { ...toView(row, ctx.now.getTime()), csrfToken: row.csrf_token },
    organization: { id: orgRow.id, name: orgRow.name },
  };
}

/**
 * The live link of `id`, or 403: every portal write re-checks the link in the same
 * transaction as the change, so a link revoked or expired a moment ago changes nothing.
 */
export function requireActiveLink(ctx: OrgContext, id: string): SetupLinkRow {
  const org = requireOrganization(ctx);
  const row = requireLinkRow(ctx, id);
  const status = statusOf(row, ctx.now.getTime());
  if (status !== "active") throw new ApiError(403, "forbidden", `This setup link is ${status}.`);
  if (!org.ssoAllowed) throw ssoNotAllowed();
  return row;
}

/** Binds the link to the connection it created (once: a link makes one connection). */
export function bindSetupLink(ctx: OrgContext, input: { id: string; connectionId: string; type: SsoType }): void {
  const row = requireActiveLink(ctx, input.id);
  if (row.connection_id) throw new ApiError(409, "conflict", "This setup link already has its connection.");
  ctx.sql.exec(
    "UPDATE setup_links SET connection_id = ?, connection_type = ? WHERE id = ?",
    input.connectionId,
    input.type,
    input.id,
  );
}

/** Ends the link after it activated its connection (`status: used`). */
export function markSetupLinkUsed(ctx: OrgContext, id: string): void {
  ctx.sql.exec("UPDATE setup_links SET used_at = ? WHERE id = ? AND used_at IS NULL", ctx.now.toISOString(), id);
}

export const setupLinkOps = {
  createSetupLink,
  listSetupLinks,
  getSetupLink,
  revokeSetupLink,
  openSetupLink,
};
