import { isOrgId } from "../lib/ids";
import { sha256Hex } from "../crypto/hash";
import { readCapped } from "../http/read-body";
import { attributeSelection, projectAttributes } from "./list-query";
import { MAX_SCIM_BODY_BYTES } from "./schema-ids";
import { scimError, scimUnauthorized } from "./scim-error";

/** RFC 7644 §3.1: SCIM's media type; `application/json` is accepted from clients too (§8.1). */
const SCIM_TYPES = new Set(["application/scim+json", "application/json"]);

/** A SCIM JSON answer; `version` sets the ETag (RFC 7644 §3.14), `location` the Location header. */
export function scimJson(body: unknown, status = 200, extra: { version?: number; location?: string } = {}): Response {
  const headers: Record<string, string> = { "content-type": "application/scim+json", "cache-control": "no-store" };
  if (extra.version !== undefined) headers.etag = etagOf(extra.version);
  if (extra.location) headers.location = extra.location;
  return new Response(JSON.stringify(body), { status, headers });
}

/** A resource's ETag and `meta.version`: weak, the version number the object keeps. */
export const etagOf = (version: number) => `W/"${version}"`;

/**
 * The version an `If-Match` names (RFC 7644 §3.14), null when absent or `*`; a value that
 * is no version of ours can match nothing: 412.
 */
export function ifMatchVersion(request: Request): number | null {
  const header = request.headers.get("if-match")?.trim();
  if (!header || header === "*") return null;
  const match = /^(?:W\/)?"(\d{1,15})"$/.exec(header);
  if (!match) throw scimError(412, `If-Match ${header} names no version of this resource.`);
  return Number(match[1]);
}

/** Whether `If-None-Match` names the current version (GET answers 304 then). */
export function notModified(request: Request, version: number): boolean {
  const header = request.headers.get("if-none-match");
  if (!header) return false;
  return header.split(",").some((tag) => tag.trim() === "*" || tag.trim().replace(/^W\//, "") === `"${version}"`);
}

/**
 * The answer to a GET of one resource (RFC 7644 §3.4.1, §3.14): 304 when `If-None-Match`
 * names its version, else the resource, projected by the request's attribute selection,
 * with its ETag.
 */
export function resourceAnswer(
  request: Request,
  url: URL,
  version: number,
  resource: () => Record<string, unknown>,
): Response {
  if (notModified(request, version)) return new Response(null, { status: 304, headers: { etag: etagOf(version) } });
  return scimJson(projectAttributes(resource(), attributeSelection(url)), 200, { version });
}

/** The SCIM request's org and the hash of its bearer token, or 401 (SPEC §10). */
export async function scimCaller(request: Request, orgId: string): Promise<{ orgId: string; tokenHash: string }> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  if (!match || !isOrgId(orgId)) throw scimUnauthorized();
  return { orgId, tokenHash: await sha256Hex(match[1]!) };
}

/** Reads a SCIM JSON body: 415 for another media type, 413 past the limit, 400 invalidSyntax when malformed. */
export async function readScimBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!SCIM_TYPES.has(type)) throw scimError(415, "Send the request body as application/scim+json.");
  const text = await readCapped(request, MAX_SCIM_BODY_BYTES);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw scimError(400, "The request body is not valid JSON.", "invalidSyntax");
  }
}
