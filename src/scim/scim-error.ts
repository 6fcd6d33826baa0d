import { ApiError, type ApiErrorCode } from "../http/api-error";

/** RFC 7644 §3.12: the one error schema of SCIM responses. */
export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

/** The `scimType` values of RFC 7644 §3.12 table 9 that edge-sso answers. */
export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers";

const CODE_OF_STATUS: Record<number, ApiErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  412: "precondition_failed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  501: "bad_request",
};

/**
 * A SCIM failure: the RFC's status code and, for 400 and 409, its `scimType`. It is an
 * ApiError, so it crosses the org object's RPC boundary with its `scimType` intact.
 */
export function scimError(status: number, detail: string, scimType?: ScimType): ApiError {
  return new ApiError(status, CODE_OF_STATUS[status] ?? "bad_request", detail, undefined, scimType);
}

/** The 401 of every SCIM request without a valid token of the org in its path (SPEC §2). */
export const scimUnauthorized = () =>
  scimError(401, "A valid SCIM token of this organization is required: Authorization: Bearer <token>.");

/**
 * Renders a failure of a SCIM route (RFC 7644 §3.12): `{schemas, status, scimType?, detail}`
 * with the status as a string, as the RFC requires. An ApiError keeps its status, detail
 * and scimType (a schema refusal of the body is `invalidValue`); any other error is a bare
 * 500 whose message and stack stay in the log.
 */
export function scimErrorResponse(error: unknown): Response {
  const known = error instanceof ApiError;
  if (!known) console.error("unexpected error", error instanceof Error ? error.stack : error);
  const status = known ? error.status : 500;
  const detail = known ? describe(error) : "An unexpected error occurred.";
  const scimType = known
    ? (error.scimType ?? (error.code === "validation_failed" ? "invalidValue" : undefined))
    : undefined;
  const body = { schemas: [SCIM_ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail };
  const headers: Record<string, string> = { "content-type": "application/scim+json", "cache-control": "no-store" };
  if (status === 401) headers["www-authenticate"] = 'Bearer realm="scim"';
  return new Response(JSON.stringify(body), { status, headers });
}

function describe(error: ApiError): string {
  if (!error.errors?.length) return error.detail;
  return `${error.detail} ${error.errors.map((e) => `${e.path || "(body)"}: ${e.message}`).join("; ")}`;
}
