/**
 * The outcome of a pure check: a value, or the internal reason it was refused with a
 * detail for the logs. Only oauth-error.ts turns a reason into what the client sees.
 */
export type Result<T, R> = { ok: true; value: T } | { ok: false; reason: R; detail: string };

/** A successful Result. */
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/** A refusal with its internal reason and log detail. */
export const refuse = <R>(reason: R, detail: string): { ok: false; reason: R; detail: string } => ({
  ok: false,
  reason,
  detail,
});
