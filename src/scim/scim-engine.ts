/**
 * The one module over the SCIM libraries (STYLE 15): scim2-parse-filter parses filters
 * (RFC 7644 §3.4.2.2) and scim-patch applies PATCH operations (§3.5.2) to one resource.
 * Both are loaded only with the /scim routes (scim-routes.ts imports the handlers lazily),
 * so the login path never evaluates them. Swapping a library means changing this file.
 */
import { parse } from "scim2-parse-filter";
import { ScimError as PatchLibraryError, scimPatch, type ScimPatchOperation } from "scim-patch";
import type { FilterNode } from "./filter-sql";
import { scimError, type ScimType } from "./scim-error";

/** Longest filter accepted: a filter is a query, not a payload. */
const MAX_FILTER_LENGTH = 2_000;

/** Parses a `filter` query parameter, or 400 invalidFilter. */
export function parseFilter(filter: string): FilterNode {
  if (filter.length > MAX_FILTER_LENGTH)
    throw scimError(400, `A filter may be at most ${MAX_FILTER_LENGTH} characters.`, "invalidFilter");
  try {
    return parse(filter) as FilterNode;
  } catch (error) {
    const reason = error instanceof Error ? error.message : "it could not be parsed";
    throw scimError(400, `The filter is not valid: ${reason}`, "invalidFilter");
  }
}

/** One operation of a PatchOp request as the client sent it (op names in any case). */
export interface PatchOperation {
  op: string;
  path?: string | undefined;
  value?: unknown;
}

/**
 * Applies PATCH operations to a copy of `resource` (RFC 7644 §3.5.2), including a
 * `replace` or `add` with no path whose value is an object of attributes (Entra ID, Okta).
 * The result is checked by the caller's schema afterwards; a failed operation is 400 with
 * the RFC's scimType (noTarget, invalidPath, invalidSyntax, invalidValue).
 */
export function applyPatch<T extends Record<string, unknown>>(resource: T, operations: PatchOperation[]): T {
  const meta = { created: new Date(0), lastModified: new Date(0) };
  const document = { ...structuredClone(resource), meta, schemas: (resource.schemas as string[]) ?? [] };
  try {
    const patched = scimPatch(document, operations as ScimPatchOperation[], { mutateDocument: true }) as Record<
      string,
      unknown
    >;
    delete patched.meta;
    return patched as T;
  } catch (error) {
    if (error instanceof PatchLibraryError) {
      const scimType = (error as PatchLibraryError & { scimCode?: string }).scimCode as ScimType | undefined;
      throw scimError(400, error.message, scimType ?? "invalidSyntax");
    }
    throw scimError(400, "The PATCH operations could not be applied.", "invalidSyntax");
  }
}
