import { AsyncLocalStorage } from "node:async_hooks";

/** What the worker knows of the request being served, wherever in its handling code runs. */
export interface RequestScope {
  /** The client's IP as Cloudflare reports it (`CF-Connecting-IP`), or null (local calls). */
  clientIp: string | null;
}

const scope = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` with the request's scope (src/index.ts, for every request). */
export function withRequestScope<T>(request: Request, fn: () => T): T {
  return scope.run({ clientIp: request.headers.get("cf-connecting-ip") }, fn);
}

/**
 * The client IP of the request being served, or null outside one. For the rate limit on
 * events recorded before an org is known (src/events/record-unscoped.ts), so that the many
 * places a login can fail need not carry the request down to where it is recorded.
 */
export function currentClientIp(): string | null {
  return scope.getStore()?.clientIp ?? null;
}

/** Whether code runs on behalf of a request to the worker (not an object's alarm or another object's call). */
export function inRequestScope(): boolean {
  return scope.getStore() !== undefined;
}
