import { scimError } from "./scim-error";

/**
 * A parsed SCIM filter (RFC 7644 §3.4.2.2), as scim2-parse-filter builds it: plain data, so
 * it crosses into the org's object, which compiles it here into one SQL condition — a list
 * or filter never loads the directory into memory (SPEC §10).
 */
export type FilterNode =
  | { op: "and" | "or"; filters: FilterNode[] }
  | { op: "not"; filter: FilterNode }
  | { op: "pr"; attrPath: string }
  | { op: "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "lt" | "ge" | "le"; attrPath: string; compValue: unknown }
  | { op: "[]"; attrPath: string; valFilter: FilterNode };

/** How one filterable attribute reads in SQL. */
export interface FilterColumn {
  /** A column of the resource's row. */
  sql: string;
  kind: "string" | "boolean" | "time";
  /** RFC 7643 `caseExact`: when false, comparisons ignore case. */
  caseExact: boolean;
  /**
   * For a multi-valued attribute kept in a table of its own: the condition is
   * `EXISTS (SELECT 1 FROM {table} WHERE {link} AND {condition on sql})`.
   */
  multi?: { table: string; link: string };
}

/** The attributes a filter may name, by lower-cased path (attribute names are case-insensitive, RFC 7643 §2.1). */
export type FilterColumns = Readonly<Record<string, FilterColumn>>;

export interface SqlCondition {
  where: string;
  params: unknown[];
}

/**
 * At most this many comparisons in one filter: Durable Object SQLite binds at most 100
 * parameters per statement, and a comparison binds up to two.
 */
const MAX_COMPARISONS = 30;

const invalid = (detail: string) => scimError(400, detail, "invalidFilter");

/** Compiles a filter into a parameterized SQL condition over the named columns, or 400 invalidFilter. */
export function filterToSql(filter: FilterNode, columns: FilterColumns, prefixes: readonly string[]): SqlCondition {
  const params: unknown[] = [];
  let comparisons = 0;
  const column = (path: string): FilterColumn => {
    let name = path.toLowerCase();
    for (const prefix of prefixes)
      if (name.startsWith(`${prefix.toLowerCase()}:`)) name = name.slice(prefix.length + 1);
    const found = columns[name];
    if (!found) throw invalid(`Filtering on ${path} is not supported.`);
    return found;
  };
  const compile = (node: FilterNode, under?: string): string => {
    switch (node.op) {
      case "and":
      case "or":
        return `(${node.filters.map((f) => compile(f, under)).join(` ${node.op.toUpperCase()} `)})`;
      case "not":
        return `(NOT ${compile(node.filter, under)})`;
      case "[]":
        if (under) throw invalid("Nested value filters are not supported.");
        return compile(node.valFilter, node.attrPath);
      default: {
        if (++comparisons > MAX_COMPARISONS) throw invalid(`A filter may hold at most ${MAX_COMPARISONS} comparisons.`);
        const path = under ? `${under}.${node.attrPath}` : node.attrPath;
        const col = column(path);
        const condition = comparison(node, col, params);
        return col.multi
          ? `EXISTS (SELECT 1 FROM ${col.multi.table} WHERE ${col.multi.link} AND ${condition})`
          : condition;
      }
    }
  };
  return { where: compile(filter), params };
}

function comparison(
  node: Extract<
    FilterNode,
    { attrPath: string; op: "pr" | "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "lt" | "ge" | "le" }
  >,
  col: FilterColumn,
  params: unknown[],
): string {
  const c = col.sql;
  if (node.op === "pr") return col.kind === "string" ? `(${c} IS NOT NULL AND ${c} <> '')` : `${c} IS NOT NULL`;
  const value = node.compValue;
  if (value === null) {
    if (node.op === "eq") return `${c} IS NULL`;
    if (node.op === "ne") return `${c} IS NOT NULL`;
    throw invalid(`${node.op} cannot compare with null.`);
  }
  if (col.kind === "boolean") {
    if (typeof value !== "boolean") throw invalid(`${node.attrPath} is a boolean: compare it with true or false.`);
    if (node.op !== "eq" && node.op !== "ne") throw invalid(`${node.attrPath} is a boolean: use eq or ne.`);
    params.push(value ? 1 : 0);
    return `${c} ${node.op === "eq" ? "=" : "<>"} ?${params.length}`;
  }
  if (typeof value !== "string") throw invalid(`${node.attrPath} is a string: compare it with a quoted value.`);
  const collate = col.caseExact ? "" : " COLLATE NOCASE";
  const bind = (v: unknown) => {
    params.push(v);
    return `?${params.length}`;
  };
  switch (node.op) {
    case "eq":
      return `${c} = ${bind(value)}${collate}`;
    case "ne":
      return `(${c} IS NULL OR ${c} <> ${bind(value)}${collate})`;
    case "gt":
      return `${c} > ${bind(value)}${collate}`;
    case "ge":
      return `${c} >= ${bind(value)}${collate}`;
    case "lt":
      return `${c} < ${bind(value)}${collate}`;
    case "le":
      return `${c} <= ${bind(value)}${collate}`;
    case "co":
    case "sw":
    case "ew":
      return col.caseExact ? exactSubstring(node.op, c, value, bind) : like(node.op, c, value, bind);
  }
}

/** co/sw/ew ignoring case: LIKE with the value's own % and _ escaped. */
function like(op: "co" | "sw" | "ew", c: string, value: string, bind: (v: unknown) => string): string {
  const escaped = value.replace(/[\\%_]/g, (m) => `\\${m}`);
  const pattern = op === "sw" ? `${escaped}%` : op === "ew" ? `%${escaped}` : `%${escaped}%`;
  return `${c} LIKE ${bind(pattern)} ESCAPE '\\'`;
}

/** co/sw/ew for a caseExact attribute (LIKE would ignore case). */
function exactSubstring(op: "co" | "sw" | "ew", c: string, value: string, bind: (v: unknown) => string): string {
  if (op === "co") return `instr(${c}, ${bind(value)}) > 0`;
  const v = bind(value);
  return op === "sw" ? `substr(${c}, 1, length(${v})) = ${v}` : `substr(${c}, -length(${v})) = ${v}`;
}
