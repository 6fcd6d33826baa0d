import { ApiError } from "./api-error";

/**
 * Renders an error as RFC 9457 problem+json. Only the fields chosen here reach the wire:
 * an unexpected error becomes a bare 500 `internal_error`, never its message or stack.
 */
export function problemResponse(error: unknown, headers: HeadersInit = {}): Response {
  const apiError =
    error instanceof ApiError ? error : new ApiError(500, "internal_error", "An unexpected error occurred.");
  if (!(error instanceof ApiError)) console.error("unexpected error", error instanceof Error ? error.stack : error);
  const body = {
    type: `https://edge-sso.dev/problems/${apiError.code}`,
    title: apiError.title,
    status: apiError.status,
    detail: apiError.detail,
    code: apiError.code,
    ...(apiError.errors ? { errors: apiError.errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status: apiError.status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...headers },
  });
}

export function json(data: unknown, status = 200, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}
