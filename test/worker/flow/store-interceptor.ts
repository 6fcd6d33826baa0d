/**
 * The worker's bindings with the `run` calls of one Durable Object namespace intercepted:
 * to fail one operation mid-route (a storage outage) or to record which operations a
 * route makes. Every call not intercepted goes through to the real object.
 */
import { env } from "cloudflare:workers";

/** What `intercept` sees: `run`'s arguments (org ops: `[op, input, …]`; app ops: `[shard, op, input, …]`). */
export type Intercept = (args: unknown[]) => Promise<unknown> | null;

export function interceptRuns(namespace: "ORGS" | "APP", intercept: Intercept): typeof env {
  const wrapStub = (stub: object) =>
    new Proxy(stub, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop);
        if (typeof value !== "function") return value;
        // An RPC stub's methods are stubs too: `bind` on one would be a remote call named "bind".
        if (prop !== "run") return (...args: unknown[]) => Reflect.apply(value, target, args);
        return (...args: unknown[]) => intercept(args) ?? Reflect.apply(value, target, args);
      },
    });
  const intercepted = new Proxy(env[namespace], {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      if (prop === "get") return (...args: unknown[]) => wrapStub(Reflect.apply(value, target, args));
      return value.bind(target);
    },
  });
  return { ...env, [namespace]: intercepted };
}

/** The bindings with operation `op` of `namespace` failing with `error`. */
export function failingOp(namespace: "ORGS" | "APP", op: string, error: Error): typeof env {
  return interceptRuns(namespace, (args) => (args.includes(op) ? Promise.reject(error) : null));
}
