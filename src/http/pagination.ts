import * as z from "zod/mini";

/** `limit` (1–100, default 20) and `after` (the last id of the previous page). */
export const paginationQuery = z.object({
  limit: z.optional(z.string().check(z.regex(/^(100|[1-9][0-9]?)$/, "must be an integer from 1 to 100"))),
  after: z.optional(z.string().check(z.maxLength(100))),
});

export type PaginationQuery = z.infer<typeof paginationQuery>;

export function pageRequest(query: PaginationQuery | undefined): { limit: number; after?: string | undefined } {
  return { limit: query?.limit ? Number(query.limit) : 20, after: query?.after };
}

/** Query of the audit-log lists: pagination plus `type` and `since` (ISO-8601). */
export const eventsQuery = z.object({
  ...paginationQuery.shape,
  type: z.optional(z.string().check(z.maxLength(100))),
  since: z.optional(z.iso.datetime()),
});
