import { conflict } from "../../http/api-error";
import { all, one, toPage, type Page, type PageRequest } from "../sql";
import type { AppContext } from "./context";

/**
 * The list of organizations, for `GET /organizations`, with slugs kept unique. Each org's
 * own object stays the truth for everything else about it.
 */
function reserveOrganization(ctx: AppContext, input: { id: string; slug: string }): void {
  const taken = one<{ id: string }>(
    ctx.sql,
    "SELECT id FROM organizations WHERE slug = ? AND id != ?",
    input.slug,
    input.id,
  );
  if (taken) throw conflict(`The slug ${input.slug} is taken.`);
  ctx.sql.exec(
    "INSERT INTO organizations VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET slug = excluded.slug",
    input.id,
    input.slug,
    ctx.now.toISOString(),
  );
}

function releaseOrganization(ctx: AppContext, input: { id: string }): void {
  ctx.sql.exec("DELETE FROM organizations WHERE id = ?", input.id);
}

function listOrganizationIds(ctx: AppContext, input: PageRequest): Page<string> {
  const rows = all<{ id: string }>(
    ctx.sql,
    `SELECT id FROM organizations WHERE (?1 IS NULL OR (created_at, id) > (SELECT created_at, id FROM organizations WHERE id = ?1))
     ORDER BY created_at, id LIMIT ?2`,
    input.after ?? null,
    input.limit + 1,
  );
  return toPage(
    rows.map((r) => r.id),
    input.limit,
    (id) => id,
  );
}

export const orgIndexOps = { reserveOrganization, releaseOrganization, listOrganizationIds };
