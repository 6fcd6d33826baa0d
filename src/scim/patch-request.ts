import type { PatchOperation } from "./scim-engine";
import { PATCH_OP_SCHEMA } from "./schema-ids";
import { scimError } from "./scim-error";

const OPS = new Set(["add", "remove", "replace"]);

/** At most this many operations in one PATCH request. */
const MAX_OPERATIONS = 1_000;

/**
 * Reads a PatchOp request (RFC 7644 §3.5.2): `schemas` names the PatchOp schema, and
 * `Operations` (any case: Entra ID and Okta differ) holds add/remove/replace operations
 * (op names in any case, as Entra ID sends `Replace`); `remove` needs a path.
 */
export function readPatchOperations(body: unknown): PatchOperation[] {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw scimError(400, "The request body must be a JSON object.", "invalidSyntax");
  const request = body as Record<string, unknown>;
  const schemas = request.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(PATCH_OP_SCHEMA))
    throw scimError(400, `schemas must include ${PATCH_OP_SCHEMA}.`, "invalidSyntax");
  const key = Object.keys(request).find((k) => k.toLowerCase() === "operations");
  const operations = key ? request[key] : undefined;
  if (!Array.isArray(operations) || operations.length === 0)
    throw scimError(400, "Operations must be a non-empty array.", "invalidSyntax");
  if (operations.length > MAX_OPERATIONS)
    throw scimError(400, `A PATCH may hold at most ${MAX_OPERATIONS} operations.`, "invalidSyntax");
  return operations.map((raw, i): PatchOperation => {
    if (typeof raw !== "object" || raw === null)
      throw scimError(400, `Operations[${i}] must be an object.`, "invalidSyntax");
    const entry = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase(), v as unknown]));
    const op = typeof entry.op === "string" ? entry.op.toLowerCase() : "";
    if (!OPS.has(op)) throw scimError(400, `Operations[${i}].op must be add, remove or replace.`, "invalidSyntax");
    const path = entry.path;
    if (path !== undefined && (typeof path !== "string" || path.trim() === "")) {
      throw scimError(400, `Operations[${i}].path must be a non-empty string.`, "invalidPath");
    }
    if (op === "remove" && path === undefined)
      throw scimError(400, `Operations[${i}]: remove needs a path (RFC 7644 §3.5.2.2).`, "noTarget");
    if (op !== "remove" && entry.value === undefined)
      throw scimError(400, `Operations[${i}]: ${op} needs a value.`, "invalidValue");
    return {
      op,
      ...(path !== undefined ? { path: path as string } : {}),
      ...(entry.value !== undefined ? { value: entry.value } : {}),
    };
  });
}
