import { ApiError, type ApiErrorData } from "../http/api-error";

/**
 * What a Durable Object operation returns over RPC. Errors thrown across RPC lose their
 * class and fields, so an ApiError raised inside an object travels as data and is
 * rebuilt on the caller's side.
 */
export type OpResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

/** Runs `fn`, turning an ApiError into a failed OpResult; other errors propagate. */
export function capture<T>(fn: () => T): OpResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, error: error.toData() };
    throw error;
  }
}

/** The caller's half: the value, or the ApiError rebuilt. */
export function unwrap<T>(result: OpResult<T>): T {
  if (result.ok) return result.value;
  throw ApiError.fromData(result.error);
}
