import type { FilterNode } from "./filter-sql";
import { parseFilter } from "./scim-engine";
import { GROUP_SCHEMA, LIST_RESPONSE_SCHEMA, MAX_PAGE_SIZE, USER_SCHEMA } from "./schema-ids";
import { scimError } from "./scim-error";

/** A list request's query (RFC 7644 §3.4.2): filter, 1-based startIndex, count, attribute selection. */
export interface ListQuery {
  filter: FilterNode | null;
  startIndex: number;
  count: number;
  attributes: string[];
  excludedAttributes: string[];
}

function integer(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d{1,9}$/.test(raw)) throw scimError(400, `${name} must be an integer.`, "invalidValue");
  return Number(raw);
}

/** The names of a comma-separated attribute list (`attributes`, `excludedAttributes`). */
export function attributeList(url: URL, name: string): string[] {
  return (url.searchParams.get(name) ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "");
}

/** A request's `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5), for projectAttributes. */
export function attributeSelection(url: URL): { attributes: string[]; excludedAttributes: string[] } {
  return { attributes: attributeList(url, "attributes"), excludedAttributes: attributeList(url, "excludedAttributes") };
}

/**
 * Reads a list query. RFC 7644 §3.4.2.4: a startIndex below 1 is 1, a negative count is 0,
 * and a count above the maximum gets the maximum (MAX_PAGE_SIZE) — never an error.
 */
export function readListQuery(url: URL): ListQuery {
  const filter = url.searchParams.get("filter");
  return {
    filter: filter && filter.trim() !== "" ? parseFilter(filter) : null,
    startIndex: Math.max(1, integer(url, "startIndex", 1)),
    count: Math.min(MAX_PAGE_SIZE, Math.max(0, integer(url, "count", MAX_PAGE_SIZE))),
    ...attributeSelection(url),
  };
}

/** Core schema URNs a client may put before an attribute name (RFC 7644 §3.10). */
const CORE_PREFIXES = [`${USER_SCHEMA.toLowerCase()}:`, `${GROUP_SCHEMA.toLowerCase()}:`];

/** Attributes always returned (RFC 7643 §7 `returned: always`). */
const ALWAYS = new Set(["id", "schemas", "meta"]);

/**
 * RFC 7644 §3.4.2.5 `attributes` / `excludedAttributes`, on top-level attributes (a
 * sub-attribute such as `name.givenName` selects its whole parent): `id`, `schemas` and
 * `meta` are always returned.
 */
export function projectAttributes(
  resource: Record<string, unknown>,
  selection: { attributes: string[]; excludedAttributes: string[] },
): Record<string, unknown> {
  const top = (a: string) => {
    const lower = a.toLowerCase();
    for (const core of CORE_PREFIXES) if (lower.startsWith(core)) return lower.slice(core.length).split(".")[0]!;
    return lower.startsWith("urn:") ? lower : lower.split(".")[0]!;
  };
  if (selection.attributes.length > 0) {
    const keep = new Set(selection.attributes.map(top));
    return Object.fromEntries(
      Object.entries(resource).filter(([k]) => ALWAYS.has(k) || keep.has(k.toLowerCase()) || keepsExtension(k, keep)),
    );
  }
  if (selection.excludedAttributes.length > 0) {
    const drop = new Set(selection.excludedAttributes.map(top));
    return Object.fromEntries(Object.entries(resource).filter(([k]) => ALWAYS.has(k) || !drop.has(k.toLowerCase())));
  }
  return resource;
}

/** Whether a selection names an extension attribute (`urn:…:User:department`) of this extension key. */
function keepsExtension(key: string, keep: Set<string>): boolean {
  const lower = key.toLowerCase();
  return lower.startsWith("urn:") && [...keep].some((k) => k.startsWith(`${lower}:`) || k === lower);
}

/** The ListResponse (RFC 7644 §3.4.2) of one page, each resource rendered and projected by the query's selection. */
export function listResponse<T>(
  page: { totalResults: number; resources: T[] },
  query: ListQuery,
  render: (resource: T) => Record<string, unknown>,
): Record<string, unknown> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: page.totalResults,
    startIndex: query.startIndex,
    itemsPerPage: page.resources.length,
    Resources: page.resources.map((r) => projectAttributes(render(r), query)),
  };
}
