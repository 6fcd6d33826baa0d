import { ApiError } from "../http/api-error";

/** RFC 7644 §3.12: the one error schema of SCIM responses. */
export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

/**
 * Renders a failure of a SCIM route (RFC 7644 §3.12): `{schemas, status, detail}` with the
 * status as a string, as the RFC requires. An ApiError keeps its status and detail; any
 * other error is a bare 500 whose message and stack stay in the log.
 */
export function scimErrorResponse(error: unknown): Response {
  const known = error instanceof ApiError;
  if (!known) console.error("unexpected error", error instanceof Error ? error.stack : error);
  const status = known ? error.status : 500;
  const detail = known ? error.detail : "An unexpected error occurred.";
  return new Response(JSON.stringify({ schemas: [SCIM_ERROR_SCHEMA], status: String(status), detail }), {
    status,
    headers: { "content-type": "application/scim+json", "cache-control": "no-store" },
  });
}
