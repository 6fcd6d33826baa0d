/** The stable codes of the admin API's problem+json errors (SPEC §2). */
export type ApiErrorCode =
  | "unauthorized"
  | "forbidden"
  | "validation_failed"
  | "not_found"
  | "conflict"
  | "sso_not_allowed"
  | "domain_taken"
  | "domain_not_allowed"
  | "connection_incomplete"
  | "payload_too_large"
  | "unsupported_media_type"
  | "method_not_allowed"
  | "bad_request"
  | "upstream_failed"
  | "login_failed"
  | "precondition_failed"
  | "internal_error";

export interface FieldError {
  path: string;
  message: string;
}

const TITLES: Record<ApiErrorCode, string> = {
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  validation_failed: "Validation failed",
  not_found: "Not found",
  conflict: "Conflict",
  sso_not_allowed: "SSO is not allowed for this organization",
  domain_taken: "Domain belongs to another organization",
  domain_not_allowed: "Domain not allowed",
  connection_incomplete: "Connection incomplete",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  method_not_allowed: "Method not allowed",
  bad_request: "Bad request",
  upstream_failed: "Upstream request failed",
  login_failed: "Login failed",
  precondition_failed: "Precondition failed",
  internal_error: "Internal error",
};

/** The serializable form of an ApiError: crosses Durable Object RPC boundaries intact. */
export interface ApiErrorData {
  status: number;
  code: ApiErrorCode;
  detail: string;
  errors?: FieldError[];
  /** RFC 7644 §3.12 `scimType` of a SCIM route's failure (invalidFilter, uniqueness, …). */
  scimType?: string;
}

/** The one error type of the admin API; rendered as application/problem+json. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly scimType?: string,
  ) {
    super(detail);
    this.name = "ApiError";
  }

  get title(): string {
    return TITLES[this.code];
  }

  toData(): ApiErrorData {
    return {
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.scimType ? { scimType: this.scimType } : {}),
    };
  }

  static fromData(data: ApiErrorData): ApiError {
    return new ApiError(data.status, data.code, data.detail, data.errors, data.scimType);
  }
}

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const conflict = (detail: string) => new ApiError(409, "conflict", detail);
export const badRequest = (detail: string) => new ApiError(400, "bad_request", detail);
