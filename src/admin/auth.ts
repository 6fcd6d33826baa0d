import type { Env } from "../env";
import { timingSafeEqual } from "../crypto/hash";
import { ApiError } from "../http/api-error";
import type { Access } from "../http/route";
import { readApiKey } from "../store/cache/app-records";

/** Who is calling the admin API (SPEC §2 "Auth"). */
export type Actor =
  | { kind: "anonymous" }
  | { kind: "root" }
  | { kind: "key"; id: string; scope: "admin" }
  | { kind: "key"; id: string; scope: "organization"; organizationId: string }
  /**
   * A setup link acting through the portal (SPEC §2, §9): at most an org-scoped key's
   * rights, on its org and the one connection it created (`connectionId`, null until then).
   */
  | { kind: "setup_link"; id: string; organizationId: string; connectionId: string | null };

/** How an actor is named in the audit log. */
export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case "anonymous":
      return "anonymous";
    case "root":
      return "root";
    case "key":
      return `api_key:${actor.id}`;
    case "setup_link":
      return `setup_link:${actor.id}`;
  }
}

/** Whether the actor acts for the whole app (root key or an `admin` key). */
export function isAppWide(actor: Actor): boolean {
  return actor.kind === "root" || (actor.kind === "key" && actor.scope === "admin");
}

const unauthorized = () =>
  new ApiError(401, "unauthorized", "A valid API key is required: Authorization: Bearer <key>.");

/** Resolves `Authorization: Bearer <key>` to an actor, or throws 401. */
export async function authenticate(request: Request, env: Env): Promise<Actor> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized();
  const key = match[1]!;
  if (env.ADMIN_API_KEY && timingSafeEqual(key, env.ADMIN_API_KEY)) return { kind: "root" };
  // From this isolate's copy (SPEC §1): a revoked key stops working everywhere within 30 s.
  const record = await readApiKey(env, key);
  if (!record) throw unauthorized();
  if (record.scope === "admin") return { kind: "key", id: record.id, scope: "admin" };
  return {
    kind: "key",
    id: record.id,
    scope: "organization",
    organizationId: record.scope.slice("organization:".length),
  };
}

/** Throws 403 when the actor may not use a route with this access on these params. */
export function authorize(actor: Actor, access: Access, params: Record<string, string>): void {
  if (access === "public" || isAppWide(actor)) return;
  if (actor.kind !== "key" || actor.scope !== "organization") throw unauthorized();
  if (access === "app") {
    throw new ApiError(403, "forbidden", "This key is scoped to one organization and cannot use app-wide resources.");
  }
  if (params.orgId !== actor.organizationId) {
    throw new ApiError(403, "forbidden", "This key is scoped to another organization.");
  }
}
